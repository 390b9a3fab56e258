# Nominal characterization deck: example for the libcc Liberate stubs (tests/tools).
# Sections follow the order of public Liberate decks (tests/tools/README.md): settings, operating condition, supplies, templates,
# cells, models/netlists, characterize, outputs.
#
#   liberate [--trio] nominal_char.tcl [KIT_DIR [OUT_DIR]]
#
# KIT_DIR defaults to ./kit next to this deck; OUT_DIR to ./out in the working directory.
# Writes OUT_DIR/ldb/altos_nom.ldb.gz and OUT_DIR/lib/stubdemo_tt_0p80v_25c{,_ccs}.lib.

if {$::LIBERATE_program ne "LIBERATE"} {
    error "nominal_char.tcl is a Liberate deck; it was started by $::LIBERATE_program"
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
set_var slew_lower_rise 0.2
set_var slew_lower_fall 0.2
set_var slew_upper_rise 0.8
set_var slew_upper_fall 0.8
set_var max_transition 4.2e-10
set_var packet_mode arc
set_var packet_clients 4
set_var rsh_cmd "bsub -q normal -n 1 -R \"span\[hosts=1\]\" -o %B/%L -e %B/%L"
set_units -time 1ns -capacitance 1pf -voltage 1V -current 1mA -leakage_power 1nW

# ---- 2. operating condition ----------------------------------------------------------------------
set_operating_condition -name tt_0p80v_25c -voltage 0.80 -temp 25

# ---- 3. supplies ---------------------------------------------------------------------------------
set_vdd -type primary VDD 0.80
set_gnd -type primary VSS 0
set_pin_vdd -supply_name VDD DFFQX1 CK 0.80
set_pin_gnd -supply_name VSS DFFQX1 CK 0

# ---- 4. templates (delay/power: input slew x output load; constraint: data slew x clock slew) ---
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
define_template -type mpw \
    -index_1 {0.005 0.08 0.42} \
    mpw_3

# ---- 5. cells -----------------------------------------------------------------------------------
define_cell -input {A B} -output {Y} -delay delay_5x5 -power power_5x5 {INVX1 NAND2X1}
define_cell \
    -clock {CK} -input {D} -output {Q} -pinlist {CK D Q} \
    -delay delay_5x5 -power power_5x5 -constraint constraint_3x3 -mpw mpw_3 \
    DFFQX1
define_arc -type setup -vector {RRx} -related_pin CK -pin D DFFQX1
define_arc -type hold  -vector {RFx} -related_pin CK -pin D DFFQX1
define_arc -type edge  -vector {RxR} -related_pin CK -pin Q DFFQX1
define_leakage -when "A" INVX1
define_leakage -when "!A" INVX1

# ---- 6. models and netlists --------------------------------------------------------------------
set models [file join $kit models tt.scs]
set_var extsim_model_include $models
define_leafcell -type nmos -pin_position {0 1 2 3} {nch_svt}
define_leafcell -type pmos -pin_position {0 1 2 3} {pch_svt}
set netlists {}
foreach cell $cells { lappend netlists [file join $kit netlists $cell.sp] }
# The models reach the simulator through extsim_model_include; read_spice reads the
# netlists, in their own syntax (SPICE `.subckt`: hspice).
read_spice -format hspice $netlists

# ---- 7. characterize ----------------------------------------------------------------------------
char_library -cells $cells -thread 4 -extsim spectre -ccs -auto_index

# ---- 8. outputs ---------------------------------------------------------------------------------
file mkdir [file join $out ldb] [file join $out lib]
write_ldb -overwrite [file join $out ldb altos_nom.ldb]
write_library -overwrite -filename [file join $out lib $libname.lib] $libname
write_library -overwrite -ccs -filename [file join $out lib ${libname}_ccs.lib] $libname
