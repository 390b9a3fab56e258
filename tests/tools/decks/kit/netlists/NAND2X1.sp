* NAND2X1: placeholder netlist for the libcc Liberate stub fixtures
.subckt NAND2X1 A B Y
+ VDD VSS
MP0 Y A VDD VDD pch_svt w=0.20u l=0.03u
MP1 Y B VDD VDD pch_svt w=0.20u l=0.03u
MN0 Y A n1 VSS nch_svt w=0.20u l=0.03u
MN1 n1 B VSS VSS nch_svt w=0.20u l=0.03u
.ends NAND2X1
