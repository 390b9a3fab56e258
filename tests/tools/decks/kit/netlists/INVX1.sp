* INVX1: placeholder netlist for the libcc Liberate stub fixtures
.subckt INVX1 A Y VDD VSS
MP0 Y A VDD VDD pch_svt w=0.20u l=0.03u
MN0 Y A VSS VSS nch_svt w=0.10u l=0.03u
.ends INVX1
