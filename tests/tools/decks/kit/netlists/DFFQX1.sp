* DFFQX1: placeholder netlist for the libcc Liberate stub fixtures (transistors elided)
.subckt DFFQX1 CK D Q VDD VSS
MP0 ckb CK VDD VDD pch_svt w=0.20u l=0.03u
MN0 ckb CK VSS VSS nch_svt w=0.10u l=0.03u
MP1 Q m VDD VDD pch_svt w=0.20u l=0.03u
MN1 Q m VSS VSS nch_svt w=0.10u l=0.03u
.ends DFFQX1
