# LVF (statistical) characterization deck for Liberate Variety: example for the libcc Liberate
# stubs (tests/tools).  Same sections as nominal_char.tcl; section 6 adds the statistical model
# (`set_var -stage variation extsim_model_include`) and the variation parameters; section 7 runs
# char_variation instead of char_library.
#
#   variety [--trio] lvf_variety.tcl [KIT_DIR [OUT_DIR]]
#
# Writes OUT_DIR/ldb/altos_lvf.ldb.gz and OUT_DIR/lib/stubdemo_tt_0p80v_25c_lvf.lib.

if {$::LIBERATE_program ne "VARIETY"} {
    error "lvf_variety.tcl is a Variety deck; it was started by $::LIBERATE_program"
}
set kit [file join [file dirname [file normalize [info script]]] kit]
set out [file join [pwd] out]
if {$argc > 0} { set kit [lindex $argv 0] }
if {$argc > 1} { set out [lindex $argv 1] }
set libname stubdemo_tt_0p80v_25c
set cells   {INVX1 NAND2X1 DFFQX1}

# ---- 1. settings -------------------------------------------------------------------------------
set_var set_var_failure_action error
set_var extsim_deck_header "simulator lang=spectre\nopts options reltol=1e-4\nsimulator lang=spice"
set_var max_transition 4.2e-10
set_var variation_sigma 1.0
set_var packet_mode arc
set_var packet_clients 4
set_var rsh_cmd "bsub -q normal -n 1 -o %B/%L -e %B/%L"
set_units -time 1ns -capacitance 1pf

# ---- 2. operating condition ----------------------------------------------------------------------
set_operating_condition -name tt_0p80v_25c -voltage 0.80 -temp 25

# ---- 3. supplies ---------------------------------------------------------------------------------
set_vdd -type primary VDD 0.80
set_gnd -type primary VSS 0

# ---- 4. templates --------------------------------------------------------------------------------
define_template -type delay \
    -index_1 {0.005 0.02 0.08 0.2 0.42} \
    -index_2 {0.0005 0.002 0.008 0.02 0.05} \
    delay_5x5
define_template -type power \
    -index_1 {0.005 0.02 0.08 0.2 0.42} \
    -index_2 {0.0005 0.002 0.008 0.02 0.05} \
    power_5x5
define_template -type constraint \
    -index_1 {0.005 0.08 0.42} \
    -index_2 {0.005 0.08 0.42} \
    constraint_3x3

# ---- 5. cells -----------------------------------------------------------------------------------
define_cell -input {A B} -output {Y} -delay delay_5x5 -power power_5x5 {INVX1 NAND2X1}
define_cell -clock {CK} -input {D} -output {Q} -pinlist {CK D Q} \
    -delay delay_5x5 -power power_5x5 -constraint constraint_3x3 DFFQX1

# ---- 6. models, variation parameters and netlists -----------------------------------------------
set models [file join $kit models tt.scs]
set_var extsim_model_include $models
set_var -stage variation extsim_model_include [file join $kit models tt_stat.scs]
define_leafcell -type nmos -pin_position {0 1 2 3} {nch_svt}
define_leafcell -type pmos -pin_position {0 1 2 3} {pch_svt}
define_variation -type random {rn1 1} rn1
define_variation -type random {rp1 1} rp1
set netlists {}
foreach cell $cells { lappend netlists [file join $kit netlists $cell.sp] }
# The models reach the simulator through extsim_model_include; read_spice reads the
# netlists, in their own syntax (SPICE `.subckt`: hspice).
read_spice -format hspice $netlists

# ---- 7. characterize (statistical) ----------------------------------------------------------
char_variation -cells $cells -thread 4 -extsim spectre -skip {mpw cin power leakage}

# ---- 8. outputs ---------------------------------------------------------------------------------
file mkdir [file join $out ldb] [file join $out lib]
write_ldb -overwrite [file join $out ldb altos_lvf.ldb]
write_variation -format sensitivity_plus_nom -overwrite \
    -filename [file join $out lib ${libname}_lvf.lib] $libname
