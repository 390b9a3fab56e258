# liberate-stubs.tcl -- stub implementations of the Cadence Liberate / Liberate Variety deck
# commands, for libcc's tests.  The real tools are not available; this file lets a REAL tclsh run a
# characterization deck, checking the shape of every Liberate command strictly and creating the
# files the deck asks for (placeholder Liberty, LDB databases).  See README.md next to this file
# for the contract and for the public sources of each argument shape.
#
# Two ways to use it:
#   1. As a program (what bin/liberate and bin/variety do):
#        tclsh liberate-stubs.tcl [--trio] LIBERATE|VARIETY deck.tcl [args...]
#      exit 0 when the deck ran to its end, 1 when a command failed (Tcl error), 2 on usage errors.
#   2. As a library, from another Tcl script:
#        source liberate-stubs.tcl
#        ::libstub::init LIBERATE 0 {extra args} deck.tcl   ;# sets ::LIBERATE_program, ::argv ...
#        source deck.tcl
#
# Environment:
#   LIBERATE_STUB_LOG   if set, every Liberate command call is appended to this file as one line:
#                       the Tcl list {command arg arg ...} with newlines written as \n.  Lines that
#                       start with "#" are session markers (start, error, end, exit), not commands.
#
# Every command raises a Tcl error "<command>: <problem>" on an unknown option, a missing required
# option, a malformed value or a missing prerequisite; the program then exits 1, like Liberate
# aborting a deck under `set_var set_var_failure_action error`.

namespace eval ::libstub {
    variable S
    array set S {}
    # The commands this file stubs, in deck section order (docs/liberate.md, README "Stub contract").
    variable commands {
        set_var get_var set_units
        set_operating_condition
        set_vdd set_gnd set_pin_vdd set_pin_gnd
        define_template
        define_cell define_arc define_leakage
        define_leafcell define_variation read_spice
        read_library read_ldb
        char_library char_variation
        write_ldb write_library write_variation
        packet_slave_cells
    }
}
namespace eval ::libstub::cmd {}

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

proc ::libstub::fail {cmd msg} {
    return -code error -errorcode [list LIBSTUB $cmd] "$cmd: $msg"
}

proc ::libstub::isnum {v} {
    regexp {^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$} $v
}

proc ::libstub::isint {v} {
    regexp {^[0-9]+$} $v
}

proc ::libstub::isname {v} {
    regexp {^[A-Za-z_][A-Za-z0-9_.\-]*$} $v
}

proc ::libstub::islist {v} {
    string is list -strict $v
}

# parse CMD SPEC ARGLIST -> {opts positionals}
# SPEC is a flat list "option kind ..." with kind = flag | value.  Options may appear anywhere
# (Liberate decks interleave them, e.g. `char_library $opts -cells $cells`); "--" ends options.
# A word is an option when it looks like -name; negative numbers are positionals.
proc ::libstub::parse {cmd spec arglist} {
    set kinds [dict create]
    foreach {n k} $spec { dict set kinds $n $k }
    set opts [dict create]
    set pos {}
    set n [llength $arglist]
    for {set i 0} {$i < $n} {incr i} {
        set a [lindex $arglist $i]
        if {$a eq "--"} {
            lappend pos {*}[lrange $arglist [expr {$i + 1}] end]
            break
        }
        if {[regexp {^-[A-Za-z_]} $a]} {
            if {![dict exists $kinds $a]} {
                set valid [lsort [dict keys $kinds]]
                if {[llength $valid] == 0} {
                    fail $cmd "unknown option '$a' (this command takes no options)"
                }
                fail $cmd "unknown option '$a' (valid options: [join $valid {, }])"
            }
            if {[dict exists $opts $a]} {
                fail $cmd "option '$a' given more than once"
            }
            if {[dict get $kinds $a] eq "flag"} {
                dict set opts $a 1
            } else {
                incr i
                if {$i >= $n} {
                    fail $cmd "option '$a' requires a value"
                }
                set v [lindex $arglist $i]
                if {[dict exists $kinds $v] && ![isnum $v]} {
                    fail $cmd "option '$a' requires a value (got the option '$v')"
                }
                dict set opts $a $v
            }
        } else {
            lappend pos $a
        }
    }
    return [list $opts $pos]
}

proc ::libstub::require {cmd opts names} {
    foreach o $names {
        if {![dict exists $opts $o]} {
            fail $cmd "missing required option '$o'"
        }
    }
}

proc ::libstub::opt {opts name {default ""}} {
    if {[dict exists $opts $name]} { return [dict get $opts $name] }
    return $default
}

# A non-empty list of strictly increasing non-negative numbers.
proc ::libstub::check_index {cmd what v} {
    if {![islist $v] || [llength $v] == 0} {
        fail $cmd "$what must be a non-empty list of numbers, got '$v'"
    }
    set prev ""
    foreach x $v {
        if {![isnum $x]} {
            fail $cmd "$what: '$x' is not a number (in '$v')"
        }
        if {$x < 0} {
            fail $cmd "$what: '$x' is negative (in '$v')"
        }
        if {$prev ne "" && !($x > $prev)} {
            fail $cmd "$what must be strictly increasing, got '$prev' then '$x' (in '$v')"
        }
        set prev $x
    }
}

# Flatten positionals that are themselves lists (`define_cell ... $cells`, `read_spice "$a $b"`).
proc ::libstub::flatten {cmd what pos} {
    set out {}
    foreach p $pos {
        if {![islist $p]} {
            fail $cmd "$what '$p' is not a valid Tcl list"
        }
        lappend out {*}$p
    }
    return $out
}

proc ::libstub::log {line} {
    if {![info exists ::env(LIBERATE_STUB_LOG)] || $::env(LIBERATE_STUB_LOG) eq ""} {
        return
    }
    set f [open $::env(LIBERATE_STUB_LOG) a]
    fconfigure $f -encoding utf-8
    puts $f $line
    close $f
}

proc ::libstub::oneline {s} {
    string map [list "\n" {\n} "\r" {\r}] $s
}

proc ::libstub::msg {text} {
    puts stdout $text
}

proc ::libstub::warn {cmd text} {
    puts stdout "Warning ($cmd): $text"
}

proc ::libstub::now {} {
    clock format [clock seconds] -format {%a %b %d %H:%M:%S %Y}
}

# Output files: the directory must already exist (public decks create LIBRARY/, LDB/ with
# `exec mkdir -p` / `file mkdir` before writing) and an existing file is only replaced with
# -overwrite.
proc ::libstub::check_output {cmd path overwrite} {
    if {$path eq ""} {
        fail $cmd "empty output file name"
    }
    set dir [file dirname $path]
    if {![file isdirectory $dir]} {
        fail $cmd "output directory '$dir' does not exist (create it in the deck with 'file mkdir' first)"
    }
    if {[file exists $path] && !$overwrite} {
        fail $cmd "'$path' already exists; pass -overwrite to replace it"
    }
}

proc ::libstub::write_text {path text} {
    set f [open $path w]
    fconfigure $f -encoding utf-8 -translation lf
    puts -nonewline $f $text
    close $f
}

proc ::libstub::read_text {path} {
    set f [open $path r]
    fconfigure $f -encoding utf-8
    set t [read $f]
    close $f
    return $t
}

# ---------------------------------------------------------------------------------------------
# Session state
# ---------------------------------------------------------------------------------------------

proc ::libstub::init {program trio extra {deck ""}} {
    variable S
    if {$program ni {LIBERATE VARIETY}} {
        error "libstub::init: program must be LIBERATE or VARIETY, got '$program'"
    }
    array unset S
    array set S [list \
        program $program trio [expr {$trio ? 1 : 0}] deck $deck ncalls 0 \
        vars {} units {} opcond {} supplies {} pinsupplies {} templates {} \
        celldefs {} arcs {} leakages {} leafcells {} variations {} \
        netfiles {} subckts {} db {} dbsource {} formats {} variation 0 skipped {} characterized 0 \
        rawtemplates {} rawvmaps {} \
    ]
    set ::LIBERATE_program $program
    set ::argv $extra
    set ::argc [llength $extra]
    if {$deck ne ""} { set ::argv0 $deck }
    if {[llength [info commands ::libstub::_real_exit]] == 0} {
        rename ::exit ::libstub::_real_exit
        proc ::exit {{code 0}} {
            ::libstub::log "# exit $code"
            flush stdout
            ::libstub::_real_exit $code
        }
    }
    return
}

proc ::libstub::dispatch {cmd arglist} {
    variable S
    if {![info exists S(program)]} {
        error "$cmd: the Liberate stubs were not initialised (call ::libstub::init first)"
    }
    log [oneline [list $cmd {*}$arglist]]
    incr S(ncalls)
    ::libstub::cmd::$cmd $arglist
}

foreach ::libstub::_c $::libstub::commands {
    proc ::$::libstub::_c {args} "::libstub::dispatch $::libstub::_c \$args"
}
unset ::libstub::_c

# ---------------------------------------------------------------------------------------------
# 1. Settings
# ---------------------------------------------------------------------------------------------

# The variables the stub knows (the ones public decks set, see README) with a check of the value.
# Any other name fails: a typo in a deck would otherwise be ignored.
namespace eval ::libstub {
    variable known_vars {}
    variable known_values {}
    foreach {name check what} {
        set_var_failure_action {expr {$v in {error warning ignore}}} {error, warning or ignore}
        packet_mode {expr {$v in {arc cell}}} {arc or cell}
        packet_clients {expr {[string is digit -strict $v]}} {an integer >= 0}
        rsh_cmd {expr {[string trim $v] ne ""}} {a command, or local}
        slew_lower_rise {::libstub::isnum $v} {a number}
        slew_lower_fall {::libstub::isnum $v} {a number}
        slew_upper_rise {::libstub::isnum $v} {a number}
        slew_upper_fall {::libstub::isnum $v} {a number}
        max_transition {::libstub::isnum $v} {a number}
        extsim_model_include {expr {$v ne ""}} {a file}
        extsim_deck_header {expr {1}} {text}
        variation_sigma {::libstub::isnum $v} {a number}
        mpw_variation {expr {$v in {0 1}}} {0 or 1}
    } {
        dict set known_vars $name $check
        dict set known_values $name $what
    }
}

# set_var [-stage variation] [-type T] [-cell C | -cells C] [-pin P] NAME VALUE
proc ::libstub::cmd::set_var {a} {
    variable ::libstub::S
    lassign [::libstub::parse set_var {-stage value -type value -cell value -cells value -pin value} $a] o p
    if {[llength $p] != 2} {
        ::libstub::fail set_var "expected NAME VALUE after the options, got [llength $p] word(s): '$p'"
    }
    lassign $p name value
    if {![regexp {^[A-Za-z_][A-Za-z0-9_]*$} $name]} {
        ::libstub::fail set_var "invalid variable name '$name'"
    }
    if {[dict exists $o -stage] && [dict get $o -stage] ni {variation}} {
        ::libstub::fail set_var "-stage must be 'variation', got '[dict get $o -stage]'"
    }
    if {[dict exists $o -type] && [dict get $o -type] ni {delay constraint leakage power mpw}} {
        ::libstub::fail set_var "-type must be one of delay, constraint, leakage, power, mpw; got '[dict get $o -type]'"
    }
    if {[dict exists $o -cell] && [dict exists $o -cells]} {
        ::libstub::fail set_var "give -cell or -cells, not both"
    }
    if {![dict exists $::libstub::known_vars $name]} {
        ::libstub::fail set_var "unknown variable '$name' (the stub knows: [join [lsort [dict keys $::libstub::known_vars]] {, }])"
    }
    set check [dict get $::libstub::known_vars $name]
    if {![apply [list v $check] $value]} {
        ::libstub::fail set_var "bad value '$value' for $name (expected: [dict get $::libstub::known_values $name])"
    }
    set key [list [::libstub::opt $o -stage] [::libstub::opt $o -type] \
                 [::libstub::opt $o -cell [::libstub::opt $o -cells]] [::libstub::opt $o -pin] $name]
    dict set S(vars) $key $value
    return
}

# get_var NAME -> the global (unqualified) value, or "" when never set.
proc ::libstub::cmd::get_var {a} {
    variable ::libstub::S
    lassign [::libstub::parse get_var {} $a] o p
    if {[llength $p] != 1} {
        ::libstub::fail get_var "expected one variable name, got '$p'"
    }
    set key [list {} {} {} {} [lindex $p 0]]
    if {[dict exists $S(vars) $key]} { return [dict get $S(vars) $key] }
    return ""
}

proc ::libstub::var {name {stage ""}} {
    variable S
    set key [list $stage {} {} {} $name]
    if {[dict exists $S(vars) $key]} { return [dict get $S(vars) $key] }
    return ""
}

# set_units -time 1ns -capacitance 1pf ... (unit shape not confirmed by a public deck; see README)
proc ::libstub::cmd::set_units {a} {
    variable ::libstub::S
    set names {-time -capacitance -voltage -current -power -leakage_power -resistance -energy}
    set spec {}
    foreach n $names { lappend spec $n value }
    lassign [::libstub::parse set_units $spec $a] o p
    if {[llength $p] != 0} {
        ::libstub::fail set_units "unexpected argument(s) '$p'"
    }
    if {[dict size $o] == 0} {
        ::libstub::fail set_units "give at least one of [join $names {, }]"
    }
    dict for {k v} $o {
        if {![regexp {^([0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?)?[A-Za-z]+$} $v]} {
            ::libstub::fail set_units "$k: '$v' is not a unit such as 1ns, 1pf, 1mA"
        }
        if {![regexp {^[0-9.]} $v]} { set v "1$v" }
        dict set S(units) [string range $k 1 end] $v
    }
    return
}

# ---------------------------------------------------------------------------------------------
# 2. Operating condition
# ---------------------------------------------------------------------------------------------

# set_operating_condition -name PVT -voltage V -temp C
proc ::libstub::cmd::set_operating_condition {a} {
    variable ::libstub::S
    lassign [::libstub::parse set_operating_condition {-name value -voltage value -temp value} $a] o p
    if {[llength $p] != 0} {
        ::libstub::fail set_operating_condition "unexpected argument(s) '$p'"
    }
    ::libstub::require set_operating_condition $o {-name -voltage -temp}
    set name [dict get $o -name]
    set v [dict get $o -voltage]
    set t [dict get $o -temp]
    if {![::libstub::isname $name]} {
        ::libstub::fail set_operating_condition "-name '$name' is not a valid condition name"
    }
    if {![::libstub::isnum $v]} {
        ::libstub::fail set_operating_condition "-voltage '$v' is not a number (write 0.54, not 0p54v)"
    }
    if {$v <= 0} {
        ::libstub::fail set_operating_condition "-voltage must be positive, got '$v'"
    }
    if {![::libstub::isnum $t]} {
        ::libstub::fail set_operating_condition "-temp '$t' is not a number (write -40, not m40c)"
    }
    if {$t < -273.15 || $t > 1000} {
        ::libstub::fail set_operating_condition "-temp '$t' is outside -273.15..1000 C"
    }
    if {[dict size $S(opcond)] > 0} {
        ::libstub::warn set_operating_condition "replacing operating condition '[dict get $S(opcond) name]' by '$name'"
    }
    set S(opcond) [dict create name $name voltage $v temp $t]
    return
}

# ---------------------------------------------------------------------------------------------
# 3. Supplies
# ---------------------------------------------------------------------------------------------

proc ::libstub::supply {cmd kind a} {
    variable S
    set spec {-type value -attributes value -no_model flag}
    if {$kind eq "gnd"} { lappend spec -ignore_power flag }
    lassign [parse $cmd $spec $a] o p
    if {[llength $p] != 2} {
        fail $cmd "expected NAME VALUE after the options, got [llength $p] word(s): '$p'"
    }
    lassign $p name value
    if {![isname $name]} {
        fail $cmd "invalid supply name '$name'"
    }
    if {![isnum $value]} {
        fail $cmd "supply value '$value' for '$name' is not a number"
    }
    set type [opt $o -type primary]
    if {$type ni {primary backup internal nwell pwell deepnwell deeppwell}} {
        fail $cmd "-type must be one of primary, backup, internal, nwell, pwell, deepnwell, deeppwell; got '$type'"
    }
    if {[dict exists $o -attributes]} {
        set at [dict get $o -attributes]
        if {![islist $at] || [llength $at] % 2 != 0} {
            fail $cmd "-attributes must be a list of name/value pairs, got '$at'"
        }
    }
    if {[dict exists $S(supplies) $name] && [dict get $S(supplies) $name kind] ne $kind} {
        fail $cmd "'$name' is already declared by set_[dict get $S(supplies) $name kind]"
    }
    dict set S(supplies) $name [dict create kind $kind value $value type $type model [expr {![dict exists $o -no_model]}]]
    return
}

# set_vdd [-type primary] [-attributes {...}] [-no_model] NAME VALUE
proc ::libstub::cmd::set_vdd {a} { ::libstub::supply set_vdd vdd $a }
# set_gnd [-type primary] [-attributes {...}] [-no_model] [-ignore_power] NAME VALUE
proc ::libstub::cmd::set_gnd {a} { ::libstub::supply set_gnd gnd $a }

proc ::libstub::pin_supply {cmd kind a} {
    variable S
    lassign [parse $cmd {-supply_name value} $a] o p
    if {[llength $p] != 3} {
        fail $cmd "expected CELL PIN VALUE after the options, got [llength $p] word(s): '$p'"
    }
    lassign $p cell pin value
    if {![isname $cell] || ![isname $pin]} {
        fail $cmd "invalid cell or pin name in '$cell $pin'"
    }
    if {![isnum $value]} {
        fail $cmd "value '$value' for $cell/$pin is not a number"
    }
    if {[dict exists $o -supply_name]} {
        set sn [dict get $o -supply_name]
        if {![dict exists $S(supplies) $sn] || [dict get $S(supplies) $sn kind] ne $kind} {
            fail $cmd "supply '$sn' was not declared by set_$kind (supplies come before pin supplies)"
        }
    }
    lappend S(pinsupplies) [list $kind $cell $pin $value [opt $o -supply_name]]
    return
}

# set_pin_vdd [-supply_name NAME] CELL PIN VALUE
proc ::libstub::cmd::set_pin_vdd {a} { ::libstub::pin_supply set_pin_vdd vdd $a }
# set_pin_gnd [-supply_name NAME] CELL PIN VALUE
proc ::libstub::cmd::set_pin_gnd {a} { ::libstub::pin_supply set_pin_gnd gnd $a }

# ---------------------------------------------------------------------------------------------
# 4. Templates
# ---------------------------------------------------------------------------------------------

# define_template -type delay|power|constraint|mpw|ecsm -index_1 {..} [-index_2 {..}] NAME
proc ::libstub::cmd::define_template {a} {
    variable ::libstub::S
    lassign [::libstub::parse define_template {-type value -index_1 value -index_2 value} $a] o p
    if {[llength $p] != 1} {
        ::libstub::fail define_template "expected exactly one template name after the options, got [llength $p] word(s): '$p'"
    }
    set name [lindex $p 0]
    ::libstub::require define_template $o {-type -index_1}
    set type [dict get $o -type]
    if {$type ni {delay power constraint mpw ecsm}} {
        ::libstub::fail define_template "-type must be one of delay, power, constraint, mpw, ecsm; got '$type'"
    }
    if {![::libstub::isname $name]} {
        ::libstub::fail define_template "invalid template name '$name'"
    }
    ::libstub::check_index define_template "-index_1 of '$name'" [dict get $o -index_1]
    if {$type in {delay power constraint}} {
        ::libstub::require define_template $o {-index_2}
    }
    set i2 {}
    if {[dict exists $o -index_2]} {
        set i2 [dict get $o -index_2]
        ::libstub::check_index define_template "-index_2 of '$name'" $i2
    }
    if {[dict exists $S(templates) $name]} {
        ::libstub::warn define_template "template '$name' redefined"
    }
    dict set S(templates) $name [dict create type $type index_1 [dict get $o -index_1] index_2 $i2]
    return
}

# ---------------------------------------------------------------------------------------------
# 5. Cells
# ---------------------------------------------------------------------------------------------

# define_cell -input {..} -output {..} [-clock {..}] [-async {..}] [-pinlist {..}]
#             [-delay T] [-power T] [-constraint T] [-mpw T] CELL...
proc ::libstub::cmd::define_cell {a} {
    variable ::libstub::S
    set spec {-input value -output value -clock value -async value -pinlist value
              -delay value -power value -constraint value -mpw value}
    lassign [::libstub::parse define_cell $spec $a] o p
    set cells [::libstub::flatten define_cell "cell list" $p]
    if {[llength $cells] == 0} {
        ::libstub::fail define_cell "no cell names given after the options"
    }
    foreach c $cells {
        if {![::libstub::isname $c]} {
            ::libstub::fail define_cell "invalid cell name '$c'"
        }
    }
    set pins [dict create]
    foreach kind {input output clock async} {
        if {![dict exists $o -$kind]} { continue }
        set l [dict get $o -$kind]
        if {![::libstub::islist $l]} {
            ::libstub::fail define_cell "-$kind '$l' is not a valid Tcl list"
        }
        foreach pin $l {
            if {![::libstub::isname $pin]} {
                ::libstub::fail define_cell "-$kind: invalid pin name '$pin'"
            }
            if {[dict exists $pins $pin] && [dict get $pins $pin] ne $kind} {
                ::libstub::fail define_cell "pin '$pin' is listed both as -[dict get $pins $pin] and as -$kind"
            }
            dict set pins $pin $kind
        }
    }
    set pinlist [::libstub::opt $o -pinlist]
    if {![::libstub::islist $pinlist]} {
        ::libstub::fail define_cell "-pinlist '$pinlist' is not a valid Tcl list"
    }
    if {[dict size $pins] == 0 && [llength $pinlist] == 0} {
        ::libstub::fail define_cell "give the pins with -input/-output/-clock/-async or -pinlist"
    }
    foreach pin $pinlist {
        if {[dict size $pins] > 0 && ![dict exists $pins $pin]} {
            ::libstub::fail define_cell "-pinlist pin '$pin' is not in -input/-output/-clock/-async"
        }
    }
    set tmpl [dict create]
    foreach kind {delay power constraint mpw} {
        if {![dict exists $o -$kind]} { continue }
        set t [dict get $o -$kind]
        if {![dict exists $S(templates) $t]} {
            ::libstub::fail define_cell "-$kind template '$t' is not defined (define_template -type $kind ... $t must come before define_cell)"
        }
        set tt [dict get $S(templates) $t type]
        if {$tt ne $kind} {
            ::libstub::fail define_cell "-$kind template '$t' was defined with -type $tt, not -type $kind"
        }
        dict set tmpl $kind $t
    }
    foreach c $cells {
        dict set S(celldefs) $c [dict create pins $pins pinlist $pinlist templates $tmpl]
    }
    return
}

proc ::libstub::check_defined_cells {cmd cells} {
    variable S
    if {[llength $cells] == 0} {
        fail $cmd "no cell name given"
    }
    foreach c $cells {
        if {![dict exists $S(celldefs) $c]} {
            fail $cmd "cell '$c' was not defined by define_cell (define_cell must come first)"
        }
    }
}

# define_arc [-type T] [-when EXPR] [-vector V] [-pin P] [-related_pin P] [-sdf_cond S] CELL...
proc ::libstub::cmd::define_arc {a} {
    variable ::libstub::S
    set spec {-type value -when value -vector value -pin value -related_pin value -sdf_cond value}
    lassign [::libstub::parse define_arc $spec $a] o p
    set cells [::libstub::flatten define_arc "cell list" $p]
    ::libstub::check_defined_cells define_arc $cells
    set types {combinational combinational_rise combinational_fall edge rising_edge falling_edge
               hidden setup hold recovery removal min_pulse_width nochange
               three_state_enable three_state_disable clear preset non_seq_setup non_seq_hold skew}
    if {[dict exists $o -type] && [dict get $o -type] ni $types} {
        ::libstub::fail define_arc "-type '[dict get $o -type]' is not an arc type (one of: [join $types {, }])"
    }
    if {![dict exists $o -pin] && ![dict exists $o -vector]} {
        ::libstub::fail define_arc "give at least -pin or -vector"
    }
    if {[dict exists $o -when] && [string trim [dict get $o -when]] eq ""} {
        ::libstub::fail define_arc "-when is empty"
    }
    foreach c $cells {
        set def [dict get $S(celldefs) $c]
        set pins [dict get $def pins]
        foreach k {-pin -related_pin} {
            if {[dict exists $o $k] && [dict size $pins] > 0 && ![dict exists $pins [dict get $o $k]]} {
                ::libstub::fail define_arc "$k '[dict get $o $k]' is not a pin of '$c' in its define_cell"
            }
        }
        if {[dict exists $o -vector]} {
            set v [dict get $o -vector]
            if {![regexp {^[RFx01]+$} $v]} {
                ::libstub::fail define_arc "-vector '$v' must use only R, F, x, 0, 1"
            }
            set pl [dict get $def pinlist]
            if {[llength $pl] > 0 && [string length $v] != [llength $pl]} {
                ::libstub::fail define_arc "-vector '$v' has [string length $v] states but '$c' has [llength $pl] pins in -pinlist ($pl)"
            }
        }
    }
    lappend S(arcs) [list $cells $o]
    return
}

# define_leakage -when EXPR CELL...
proc ::libstub::cmd::define_leakage {a} {
    variable ::libstub::S
    lassign [::libstub::parse define_leakage {-when value} $a] o p
    ::libstub::require define_leakage $o {-when}
    if {[string trim [dict get $o -when]] eq ""} {
        ::libstub::fail define_leakage "-when is empty"
    }
    set cells [::libstub::flatten define_leakage "cell list" $p]
    ::libstub::check_defined_cells define_leakage $cells
    lappend S(leakages) [list $cells [dict get $o -when]]
    return
}

# ---------------------------------------------------------------------------------------------
# 6. Models and netlists
# ---------------------------------------------------------------------------------------------

# define_leafcell -type nmos|pmos|diode -pin_position {0 1 2 3} [-extsim_model] [-element] MODELS
proc ::libstub::cmd::define_leafcell {a} {
    variable ::libstub::S
    lassign [::libstub::parse define_leafcell {-type value -pin_position value -extsim_model flag -element flag} $a] o p
    ::libstub::require define_leafcell $o {-type -pin_position}
    set type [dict get $o -type]
    if {$type ni {nmos pmos diode}} {
        ::libstub::fail define_leafcell "-type must be nmos, pmos or diode; got '$type'"
    }
    set pp [dict get $o -pin_position]
    if {![::libstub::islist $pp]} {
        ::libstub::fail define_leafcell "-pin_position '$pp' is not a list"
    }
    set want [expr {$type eq "diode" ? 2 : 4}]
    if {[llength $pp] != $want} {
        ::libstub::fail define_leafcell "-pin_position for $type needs $want positions, got '$pp'"
    }
    foreach x $pp {
        if {![::libstub::isint $x]} {
            ::libstub::fail define_leafcell "-pin_position: '$x' is not a non-negative integer"
        }
    }
    if {[llength [lsort -unique $pp]] != [llength $pp]} {
        ::libstub::fail define_leafcell "-pin_position '$pp' repeats a position"
    }
    set models [::libstub::flatten define_leafcell "model list" $p]
    if {[llength $models] == 0} {
        ::libstub::fail define_leafcell "no model names given after the options"
    }
    foreach m $models { dict set S(leafcells) $m $type }
    return
}

# define_variation -type random|systematic {PARAM SIGMA} NAME
proc ::libstub::cmd::define_variation {a} {
    variable ::libstub::S
    lassign [::libstub::parse define_variation {-type value} $a] o p
    ::libstub::require define_variation $o {-type}
    if {[dict get $o -type] ni {random systematic}} {
        ::libstub::fail define_variation "-type must be random or systematic, got '[dict get $o -type]'"
    }
    if {[llength $p] != 2} {
        ::libstub::fail define_variation "expected {PARAM SIGMA} NAME after the options, got [llength $p] word(s): '$p'"
    }
    lassign $p ps name
    if {![::libstub::islist $ps] || [llength $ps] != 2} {
        ::libstub::fail define_variation "'$ps' is not a {PARAM SIGMA} pair"
    }
    lassign $ps param sigma
    if {![::libstub::isname $param]} {
        ::libstub::fail define_variation "invalid parameter name '$param'"
    }
    if {![::libstub::isnum $sigma] || $sigma <= 0} {
        ::libstub::fail define_variation "sigma '$sigma' of '$param' must be a positive number"
    }
    if {![::libstub::isname $name]} {
        ::libstub::fail define_variation "invalid variation name '$name'"
    }
    if {[dict exists $S(variations) $name]} {
        ::libstub::fail define_variation "variation '$name' defined twice"
    }
    dict set S(variations) $name [dict create type [dict get $o -type] param $param sigma $sigma]
    return
}

# Subcircuit ports of a SPICE (.subckt NAME ports) or Spectre (subckt NAME (ports)) netlist.
proc ::libstub::scan_subckts {text} {
    set found [dict create]
    # join SPICE "+" continuation lines and Spectre "\" continuations
    regsub -all {\n[ \t]*\+} $text " " text
    regsub -all {\\\n} $text " " text
    foreach line [split $text "\n"] {
        if {[regexp -nocase {^\s*\.subckt\s+(\S+)(.*)$} $line -> name rest]} {
            set ports {}
            foreach w [regexp -all -inline {\S+} $rest] {
                if {[string first = $w] >= 0 || [string tolower $w] eq "params:"} { break }
                lappend ports $w
            }
            dict set found $name $ports
        } elseif {[regexp {^\s*(?:inline\s+)?subckt\s+(\S+)\s*\(([^)]*)\)} $line -> name ports]} {
            dict set found $name [regexp -all -inline {\S+} $ports]
        } elseif {[regexp {^\s*(?:inline\s+)?subckt\s+(\S+)\s+([^(=]*)$} $line -> name ports]} {
            dict set found $name [regexp -all -inline {\S+} $ports]
        }
    }
    return $found
}

# The syntax of a netlist: spectre (`simulator lang=spectre` before the first subcircuit, or
# `subckt N (ports)`), hspice (`.subckt`), or "" when it has no subcircuit and no language line.
proc ::libstub::netlist_language {text} {
    foreach line [split $text "\n"] {
        if {[regexp {^\s*simulator\s+lang\s*=\s*(\w+)} $line -> lang]} {
            return [expr {$lang eq "spectre" ? "spectre" : "hspice"}]
        }
        if {[regexp -nocase {^\s*\.subckt\s} $line]} { return hspice }
        if {[regexp {^\s*(?:inline\s+)?subckt\s} $line]} { return spectre }
    }
    return ""
}

# read_spice [-format spectre|hspice] FILES...   (no -format: hspice; the netlists must be in it)
proc ::libstub::cmd::read_spice {a} {
    variable ::libstub::S
    lassign [::libstub::parse read_spice {-format value} $a] o p
    if {[dict exists $o -format] && [dict get $o -format] ni {spectre hspice}} {
        ::libstub::fail read_spice "-format must be spectre or hspice, got '[dict get $o -format]'"
    }
    set files [::libstub::flatten read_spice "file list" $p]
    if {[llength $files] == 0} {
        ::libstub::fail read_spice "no netlist or model file given"
    }
    foreach f $files {
        if {![file exists $f]} {
            ::libstub::fail read_spice "netlist/model file '$f' does not exist"
        }
        if {![file isfile $f] || ![file readable $f]} {
            ::libstub::fail read_spice "'$f' is not a readable file"
        }
    }
    set format [expr {[dict exists $o -format] ? [dict get $o -format] : "hspice"}]
    foreach f $files {
        set lang [::libstub::netlist_language [::libstub::read_text $f]]
        if {$lang ne "" && $lang ne $format} {
            ::libstub::fail read_spice "'$f' is a $lang netlist but is read with -format $format"
        }
    }
    foreach f $files {
        lappend S(netfiles) $f
        set S(subckts) [dict merge $S(subckts) [::libstub::scan_subckts [::libstub::read_text $f]]]
    }
    return
}

# Minimal Liberty reader: library name, nominal condition, cell groups (text kept verbatim).
proc ::libstub::parse_liberty {cmd path} {
    if {![file exists $path]} {
        fail $cmd "Liberty file '$path' does not exist"
    }
    if {![file isfile $path] || ![file readable $path]} {
        fail $cmd "'$path' is not a readable file"
    }
    set t [read_text $path]
    if {![regexp {(?:^|\n)\s*library\s*\(\s*"?([^)"\s]+)"?\s*\)\s*\{} $t -> libname]} {
        fail $cmd "'$path' is not a Liberty file (no 'library (NAME) \{' group)"
    }
    if {[regexp -all {\{} $t] != [regexp -all {\}} $t]} {
        fail $cmd "'$path': unbalanced braces in the Liberty file"
    }
    set lib [dict create name $libname cells [dict create] opcond {}]
    set v ""; set temp ""; set oc ""
    regexp {nom_voltage\s*:\s*([-+0-9.eE]+)} $t -> v
    regexp {nom_temperature\s*:\s*([-+0-9.eE]+)} $t -> temp
    regexp {default_operating_conditions\s*:\s*"?([^;"\s]+)} $t -> oc
    if {$v ne "" && $temp ne ""} {
        if {$oc eq ""} { set oc $libname }
        dict set lib opcond [dict create name $oc voltage $v temp $temp]
    }
    set body [string first "\{" $t [string first library $t]]
    set top [find_groups $t [expr {$body + 1}] [string length $t] {(cell|lu_table_template|power_lut_template)\s*\(\s*"?([^)"\s]*)"?\s*\)\s*\{}]
    set templates [dict create]
    foreach g $top {
        lassign $g kind name start end
        set text [string range $t $start $end]
        if {$kind eq "cell"} {
            dict set lib cells $name $text
        } else {
            dict set templates $name $text
        }
    }
    dict set lib templates $templates
    set vmaps [dict create]
    foreach {-> name value} [regexp -all -inline {voltage_map\s*\(\s*"?([^,"\s]+)"?\s*,\s*([-+0-9.eE]+)\s*\)} $t] {
        dict set vmaps $name $value
    }
    dict set lib voltage_maps $vmaps
    return $lib
}

# Groups "KIND (NAME) { ... }" found at nesting depth 0 of TEXT between FROM and TO, where RE
# matches the group head (capturing KIND and NAME).  Returns {kind name start end} per group,
# END being the index of the closing brace.
proc ::libstub::find_groups {text from to re} {
    set out {}
    set i $from
    while {$i < $to && [regexp -indices -start $i -- $re $text m k nm]} {
        lassign $m ms me
        if {$ms >= $to} { break }
        # skip a match nested in a group opened between i and ms
        set depth 0
        for {set j $i} {$j < $ms} {incr j} {
            set ch [string index $text $j]
            if {$ch eq "\{"} { incr depth } elseif {$ch eq "\}"} { incr depth -1 }
        }
        set d 1
        set j [expr {$me + 1}]
        while {$j < $to && $d > 0} {
            set ch [string index $text $j]
            if {$ch eq "\{"} { incr d } elseif {$ch eq "\}"} { incr d -1 }
            incr j
        }
        if {$depth == 0} {
            lappend out [list [string range $text {*}$k] [string range $text {*}$nm] $ms [expr {$j - 1}]]
        }
        set i $j
    }
    return $out
}

# LVF groups (ocv_sigma_*, ...) of a cell group, keyed by {pin related_pin}.
proc ::libstub::lvf_groups {celltext} {
    set map [dict create]
    set pinre {(pin)\s*\(\s*"?([^)"\s]+)"?\s*\)\s*\{}
    set timre {(timing)\s*\(\s*()\s*\)\s*\{}
    set ocvre {(ocv_\w+|sigma_\w+)\s*\(\s*([^)]*)\)\s*\{}
    set body [expr {[string first "\{" $celltext] + 1}]
    foreach pg [find_groups $celltext $body [string length $celltext] $pinre] {
        lassign $pg - pin ps pe
        set pb [expr {[string first "\{" $celltext $ps] + 1}]
        foreach tg [find_groups $celltext $pb $pe $timre] {
            lassign $tg - - ts te
            set rel ""
            regexp -start $ts {related_pin\s*:\s*"?([^";\s]+)} [string range $celltext 0 $te] -> rel
            set tb [expr {[string first "\{" $celltext $ts] + 1}]
            set texts {}
            foreach og [find_groups $celltext $tb $te $ocvre] {
                lassign $og - - os oe
                lappend texts [string range $celltext $os $oe]
            }
            if {[llength $texts] > 0} { dict set map [list $pin $rel] $texts }
        }
    }
    return $map
}

# Insert the LVF groups of LVFMAP into the matching timing groups of CELLTEXT.
proc ::libstub::merge_lvf {celltext lvfmap} {
    set pinre {(pin)\s*\(\s*"?([^)"\s]+)"?\s*\)\s*\{}
    set timre {(timing)\s*\(\s*()\s*\)\s*\{}
    set inserts {}
    set body [expr {[string first "\{" $celltext] + 1}]
    foreach pg [find_groups $celltext $body [string length $celltext] $pinre] {
        lassign $pg - pin ps pe
        set pb [expr {[string first "\{" $celltext $ps] + 1}]
        foreach tg [find_groups $celltext $pb $pe $timre] {
            lassign $tg - - ts te
            set rel ""
            regexp -start $ts {related_pin\s*:\s*"?([^";\s]+)} [string range $celltext 0 $te] -> rel
            if {[dict exists $lvfmap [list $pin $rel]]} {
                lappend inserts [list $te [dict get $lvfmap [list $pin $rel]]]
            }
        }
    }
    set n 0
    foreach ins [lsort -integer -decreasing -index 0 $inserts] {
        lassign $ins at texts
        set add ""
        foreach x $texts { append add "  $x\n      " }
        set celltext "[string range $celltext 0 [expr {$at - 1}]]$add[string range $celltext $at end]"
        incr n [llength $texts]
    }
    return [list $celltext $n]
}

# read_library FILE
proc ::libstub::cmd::read_library {a} {
    variable ::libstub::S
    lassign [::libstub::parse read_library {} $a] o p
    if {[llength $p] != 1} {
        ::libstub::fail read_library "expected one Liberty file, got [llength $p] word(s): '$p'"
    }
    set path [lindex $p 0]
    set lib [::libstub::parse_liberty read_library $path]
    if {[dict size [dict get $lib cells]] == 0} {
        ::libstub::fail read_library "'$path' defines no cells"
    }
    dict for {c text} [dict get $lib cells] {
        dict set S(db) $c [dict create kind raw text $text source $path]
    }
    set S(rawtemplates) [dict merge $S(rawtemplates) [dict get $lib templates]]
    set S(rawvmaps) [dict merge $S(rawvmaps) [dict get $lib voltage_maps]]
    if {[dict size $S(opcond)] == 0 && [dict size [dict get $lib opcond]] > 0} {
        set S(opcond) [dict get $lib opcond]
    }
    lappend S(dbsource) "read_library $path"
    ::libstub::msg "Info: read library '[dict get $lib name]' from '$path' ([dict size [dict get $lib cells]] cells)"
    return [dict get $lib name]
}

# ---------------------------------------------------------------------------------------------
# 7. Characterization
# ---------------------------------------------------------------------------------------------

proc ::libstub::check_char_ready {cmd cells} {
    variable S
    if {[dict size $S(opcond)] == 0} {
        fail $cmd "no operating condition: set_operating_condition must come before $cmd"
    }
    if {[dict size $S(templates)] == 0} {
        fail $cmd "no template defined: define_template must come before $cmd"
    }
    if {[llength $S(netfiles)] == 0} {
        fail $cmd "no netlist read: read_spice must come before $cmd"
    }
    if {[llength $cells] == 0} {
        fail $cmd "-cells is empty"
    }
    foreach c $cells {
        if {![dict exists $S(celldefs) $c]} {
            fail $cmd "cell '$c' was not defined by define_cell"
        }
        if {![dict exists $S(subckts) $c]} {
            fail $cmd "no subcircuit '$c' in the netlists read by read_spice ([join $S(netfiles) {, }])"
        }
    }
    set clients [var packet_clients]
    if {$clients ne "" && $clients > 0 && [var rsh_cmd] eq ""} {
        fail $cmd "packet_clients is $clients but rsh_cmd is not set: Liberate cannot start the clients"
    }
    set inc [var extsim_model_include]
    if {$inc ne "" && ![file exists $inc]} {
        fail $cmd "extsim_model_include '$inc' does not exist"
    }
}

proc ::libstub::check_thread {cmd o} {
    if {[dict exists $o -thread] && ![isint [dict get $o -thread]]} {
        fail $cmd "-thread must be a non-negative integer, got '[dict get $o -thread]'"
    }
    if {[dict exists $o -extsim] && [dict get $o -extsim] ni {spectre hspice}} {
        fail $cmd "-extsim must be spectre or hspice, got '[dict get $o -extsim]'"
    }
}

proc ::libstub::record_cells {cells} {
    variable S
    foreach c $cells {
        set def [dict get $S(celldefs) $c]
        set ports [dict get $S(subckts) $c]
        set pins {}
        foreach port $ports {
            if {[dict exists $S(supplies) $port]} {
                lappend pins [list $port [dict get $S(supplies) $port kind]]
            } elseif {[dict exists $def pins $port]} {
                lappend pins [list $port [dict get $def pins $port]]
            } else {
                lappend pins [list $port unknown]
            }
        }
        dict set S(db) $c [dict create kind char pins $pins templates [dict get $def templates]]
    }
}

proc ::libstub::print_stats {cmd cells} {
    variable S
    set n [llength $cells]
    msg ""
    msg "Characterization statistics ($S(program) stub, $cmd):"
    msg "    Cells characterized   : $n"
    msg "    Cells passed          : $n"
    msg "    Cells failed          : 0"
    msg "    Operating condition   : [dict get $S(opcond) name] ([dict get $S(opcond) voltage] V, [dict get $S(opcond) temp] C)"
    msg ""
}

# char_library -cells {..} [-thread N] [-extsim spectre|hspice] [-ccs -ccsn -ccsp -ecsm -ecsmn
#              -ecsmp -auto_index -auto_max_capacitance -lvf -em -user_arcs_only]
proc ::libstub::cmd::char_library {a} {
    variable ::libstub::S
    set flags {-ccs -ccsn -ccsp -ecsm -ecsmn -ecsmp -auto_index -auto_max_capacitance -lvf -em -user_arcs_only}
    set spec {-cells value -thread value -extsim value}
    foreach f $flags { lappend spec $f flag }
    lassign [::libstub::parse char_library $spec $a] o p
    if {$S(program) ne "LIBERATE"} {
        ::libstub::fail char_library "not available in $S(program): Variety characterizes with char_variation (run char_library with liberate)"
    }
    if {[llength $p] != 0} {
        ::libstub::fail char_library "unexpected argument(s) '$p'"
    }
    ::libstub::require char_library $o {-cells}
    ::libstub::check_thread char_library $o
    set cells [::libstub::flatten char_library "-cells" [list [dict get $o -cells]]]
    ::libstub::check_char_ready char_library $cells
    if {[dict exists $o -lvf] && [dict size $S(variations)] == 0} {
        ::libstub::fail char_library "-lvf needs variation parameters: define_variation must come first"
    }
    ::libstub::record_cells $cells
    foreach f {ccs ccsn ccsp ecsm ecsmn ecsmp em} {
        if {[dict exists $o -$f]} { dict set S(formats) $f 1 }
    }
    if {[dict exists $o -lvf]} { set S(variation) 1 }
    incr S(characterized)
    ::libstub::print_stats char_library $cells
    return
}

# char_variation -cells {..} [-thread N] [-extsim spectre|hspice] [-skip {mpw cin power leakage}]
#                [-monte] [-monte_trials N] [-monte_vvo]          (Variety only)
proc ::libstub::cmd::char_variation {a} {
    variable ::libstub::S
    set spec {-cells value -thread value -extsim value -skip value -monte flag -monte_trials value -monte_vvo flag}
    lassign [::libstub::parse char_variation $spec $a] o p
    if {$S(program) ne "VARIETY"} {
        ::libstub::fail char_variation "only available in Variety; this deck runs under $S(program) (run it with variety)"
    }
    if {[llength $p] != 0} {
        ::libstub::fail char_variation "unexpected argument(s) '$p'"
    }
    ::libstub::require char_variation $o {-cells}
    ::libstub::check_thread char_variation $o
    if {[dict exists $o -skip]} {
        set sk [dict get $o -skip]
        if {![::libstub::islist $sk]} {
            ::libstub::fail char_variation "-skip '$sk' is not a list"
        }
        foreach x $sk {
            if {$x ni {mpw cin power leakage delay constraint}} {
                ::libstub::fail char_variation "-skip: '$x' is not one of mpw, cin, power, leakage, delay, constraint"
            }
        }
    }
    if {[dict exists $o -monte_trials] && ![dict exists $o -monte]} {
        ::libstub::fail char_variation "-monte_trials needs -monte"
    }
    if {[dict exists $o -monte_trials] && (![::libstub::isint [dict get $o -monte_trials]] || [dict get $o -monte_trials] == 0)} {
        ::libstub::fail char_variation "-monte_trials must be a positive integer, got '[dict get $o -monte_trials]'"
    }
    set cells [::libstub::flatten char_variation "-cells" [list [dict get $o -cells]]]
    ::libstub::check_char_ready char_variation $cells
    if {[dict size $S(variations)] == 0} {
        ::libstub::fail char_variation "no variation parameters: define_variation must come before char_variation"
    }
    set stat [::libstub::var extsim_model_include variation]
    if {$stat ne "" && ![file exists $stat]} {
        ::libstub::fail char_variation "set_var -stage variation extsim_model_include '$stat' does not exist"
    }
    ::libstub::record_cells $cells
    set S(variation) 1
    set S(skipped) [expr {[dict exists $o -skip] ? [dict get $o -skip] : {}}]
    if {"mpw" ni $S(skipped) && [::libstub::var mpw_variation] ne "1"} {
        # Variety characterizes MPW variation only with `set_var mpw_variation 1`.
        lappend S(skipped) mpw
    }
    incr S(characterized)
    ::libstub::print_stats char_variation $cells
    return
}

# ---------------------------------------------------------------------------------------------
# 8. Outputs
# ---------------------------------------------------------------------------------------------

proc ::libstub::check_has_data {cmd} {
    variable S
    if {[dict size $S(db)] == 0} {
        fail $cmd "nothing to write: no char_library/char_variation ran and no read_ldb/read_library loaded data"
    }
}

# LDB naming: `x.ldb` -> `x.ldb.gz`; `x.ldb.gz` as given.  Non-trio: one gzip file.  Trio
# (--trio): a directory of that name holding `index` (see README, "LDB").
proc ::libstub::ldb_path {cmd path} {
    if {[string match *.ldb.gz $path]} { return $path }
    if {[string match *.ldb $path]} { return "$path.gz" }
    fail $cmd "'$path' must end in .ldb (written as .ldb.gz) or .ldb.gz"
}

# write_ldb [-overwrite] PATH
proc ::libstub::cmd::write_ldb {a} {
    variable ::libstub::S
    lassign [::libstub::parse write_ldb {-overwrite flag} $a] o p
    if {[llength $p] != 1} {
        ::libstub::fail write_ldb "expected one LDB path, got [llength $p] word(s): '$p'"
    }
    ::libstub::check_has_data write_ldb
    set out [::libstub::ldb_path write_ldb [lindex $p 0]]
    ::libstub::check_output write_ldb $out [dict exists $o -overwrite]
    set index [dict create format libstub-ldb-1 program $S(program) trio $S(trio) written [::libstub::now] \
        opcond $S(opcond) supplies $S(supplies) templates $S(templates) units $S(units) \
        formats $S(formats) variation $S(variation) skipped $S(skipped) variations $S(variations) cells $S(db)]
    if {$S(trio)} {
        if {[file exists $out]} { file delete -force $out }
        file mkdir $out
        ::libstub::write_text [file join $out index] "$index\n"
        foreach c [dict keys $S(db)] {
            ::libstub::write_text [file join $out $c.cell] "[list $c [dict get $S(db) $c]]\n"
        }
    } else {
        set f [open $out wb]
        puts -nonewline $f [zlib gzip [encoding convertto utf-8 "$index\n"]]
        close $f
    }
    ::libstub::msg "Finished writing LDB '$out' ([dict size $S(db)] cells)"
    return $out
}

# read_ldb PATH  (a .ldb.gz file, or the .ldb.gz directory of a trio run)
proc ::libstub::cmd::read_ldb {a} {
    variable ::libstub::S
    lassign [::libstub::parse read_ldb {} $a] o p
    if {[llength $p] != 1} {
        ::libstub::fail read_ldb "expected one LDB path, got [llength $p] word(s): '$p'"
    }
    set path [lindex $p 0]
    if {![file exists $path]} {
        ::libstub::fail read_ldb "LDB '$path' does not exist"
    }
    if {[catch {
        if {[file isdirectory $path]} {
            set text [::libstub::read_text [file join $path index]]
        } else {
            set f [open $path rb]
            set raw [read $f]
            close $f
            set text [encoding convertfrom utf-8 [zlib gunzip $raw]]
        }
        set index [string trim $text]
        if {[dict get $index format] ne "libstub-ldb-1"} { error "bad format" }
    } err]} {
        ::libstub::fail read_ldb "'$path' is not an LDB written by write_ldb ($err)"
    }
    set S(db) [dict merge $S(db) [dict get $index cells]]
    foreach k {supplies templates units formats variations} {
        set S($k) [dict merge [dict get $index $k] $S($k)]
    }
    if {[dict size $S(opcond)] == 0} { set S(opcond) [dict get $index opcond] }
    if {[dict get $index variation]} {
        set S(variation) 1
        set S(skipped) [dict get $index skipped]
    }
    lappend S(dbsource) "read_ldb $path"
    ::libstub::msg "Info: read LDB '$path' ([dict size [dict get $index cells]] cells, written by [dict get $index program])"
    return
}

proc ::libstub::fmt {x} { format %.6g $x }

proc ::libstub::table {group tmpl scale indent} {
    variable S
    set t [dict get $S(templates) $tmpl]
    set i1 [dict get $t index_1]
    set i2 [dict get $t index_2]
    set s "$indent$group ($tmpl) \{\n"
    append s "$indent  index_1 (\"[join [lmap x $i1 {fmt $x}] {, }]\") ;\n"
    if {[llength $i2] > 0} {
        append s "$indent  index_2 (\"[join [lmap x $i2 {fmt $x}] {, }]\") ;\n"
        set rows {}
        for {set i 0} {$i < [llength $i1]} {incr i} {
            set row {}
            for {set j 0} {$j < [llength $i2]} {incr j} {
                lappend row [fmt [expr {$scale * (1.0 + 0.5 * $i + 0.8 * $j)}]]
            }
            lappend rows "\"[join $row {, }]\""
        }
        append s "$indent  values ( \\\n$indent    [join $rows ", \\\n$indent    "] ) ;\n"
    } else {
        set row {}
        for {set i 0} {$i < [llength $i1]} {incr i} { lappend row [fmt [expr {$scale * (1.0 + 0.5 * $i)}]] }
        append s "$indent  values (\"[join $row {, }]\") ;\n"
    }
    append s "$indent\}\n"
    return $s
}

# Whether sigma groups of `kind` (delay, setup, hold, mpw) go into a library written with `lvf`:
# 0 none; 1 or all: every kind; otherwise the one kind of `write_variation -type`.
proc ::libstub::lvf_has {lvf kind} {
    if {$lvf eq "0"} { return 0 }
    if {$lvf in {1 all}} { return 1 }
    return [expr {$lvf eq $kind}]
}

proc ::libstub::cell_text {c entry lvf sensitivity} {
    variable S
    if {[dict get $entry kind] eq "raw"} {
        set text [dict get $entry text]
        if {$sensitivity ne ""} {
            set note "LVF: no data for this cell in '[dict get $sensitivity file]'"
            if {[dict exists $sensitivity cells $c]} {
                lassign [merge_lvf $text [lvf_groups [dict get $sensitivity cells $c]]] text n
                set note "LVF: $n group(s) merged from '[dict get $sensitivity file]'"
            }
            set at [string first "\{" $text]
            set text "[string range $text 0 $at]\n    /* $note */[string range $text [expr {$at + 1}] end]"
        }
        return "  $text\n"
    }
    set tm [dict get $entry templates]
    set s "  cell ($c) \{\n"
    set inputs {}; set clocks {}; set outputs {}
    foreach pk [dict get $entry pins] {
        lassign $pk pin kind
        switch -- $kind {
            vdd { append s "    pg_pin ($pin) \{ voltage_name : $pin ; pg_type : primary_power ; \}\n" }
            gnd { append s "    pg_pin ($pin) \{ voltage_name : $pin ; pg_type : primary_ground ; \}\n" }
            input - async { lappend inputs $pin }
            clock { lappend clocks $pin }
            output { lappend outputs $pin }
            default { append s "    /* port $pin: not classified by define_cell */\n" }
        }
    }
    foreach pin [concat $clocks $inputs] {
        append s "    pin ($pin) \{\n      direction : input ;\n      capacitance : 0.001 ;\n"
        if {$pin in $clocks} { append s "      clock : true ;\n" }
        if {$pin in $clocks && [dict exists $tm mpw]} {
            append s "      timing () \{\n        related_pin : \"$pin\" ;\n        timing_type : min_pulse_width ;\n"
            append s [table rise_constraint [dict get $tm mpw] 0.03 "        "]
            if {[lvf_has $lvf mpw]} {
                append s [regsub {\{\n} [table ocv_sigma_rise_constraint [dict get $tm mpw] 0.002 "        "] "\{\n          sigma_type : early_and_late ;\n"]
            }
            append s "      \}\n"
        }
        if {$pin in $inputs && [llength $clocks] > 0 && [dict exists $tm constraint]} {
            foreach {tt group kind} {setup_rising rise_constraint setup hold_rising fall_constraint hold} {
                append s "      timing () \{\n        related_pin : \"[lindex $clocks 0]\" ;\n        timing_type : $tt ;\n"
                append s [table $group [dict get $tm constraint] 0.01 "        "]
                if {[lvf_has $lvf $kind]} {
                    append s [regsub {\{\n} [table ocv_sigma_$group [dict get $tm constraint] 0.001 "        "] "\{\n          sigma_type : early_and_late ;\n"]
                }
                append s "      \}\n"
            }
        }
        append s "    \}\n"
    }
    foreach pin $outputs {
        append s "    pin ($pin) \{\n      direction : output ;\n"
        if {[dict exists $tm delay]} {
            set rel [expr {[llength $clocks] > 0 ? [list [lindex $clocks 0]] : $inputs}]
            foreach r $rel {
                append s "      timing () \{\n        related_pin : \"$r\" ;\n"
                if {$r in $clocks} { append s "        timing_type : rising_edge ;\n" }
                foreach {group scale} {cell_rise 0.02 cell_fall 0.018 rise_transition 0.01 fall_transition 0.009} {
                    append s [table $group [dict get $tm delay] $scale "        "]
                }
                if {[lvf_has $lvf delay]} {
                    foreach {group scale} {ocv_sigma_cell_rise 0.001 ocv_sigma_cell_fall 0.0009} {
                        set tb [table $group [dict get $tm delay] $scale "        "]
                        set tb [regsub {\{\n} $tb "\{\n          sigma_type : early_and_late ;\n"]
                        append s $tb
                    }
                }
                append s "      \}\n"
            }
        }
        append s "    \}\n"
    }
    append s "  \}\n"
    return $s
}

proc ::libstub::unit {name default} {
    variable S
    if {[dict exists $S(units) $name]} { return [dict get $S(units) $name] }
    return $default
}

proc ::libstub::liberty {libname cells lvf header sensitivity} {
    variable S
    set oc $S(opcond)
    set v [dict get $oc voltage]
    set t [dict get $oc temp]
    set ocn [dict get $oc name]
    set cap [unit capacitance 1pf]
    regexp {^([0-9.eE+-]*)([A-Za-z]+)$} $cap -> capn capu
    if {$capn eq ""} { set capn 1 }
    set s "library ($libname) \{\n"
    append s "  /* Written by the libcc $S(program) stub on [now]: PLACEHOLDER values, not characterization data */\n"
    foreach h $header { append s "  /* $h */\n" }
    append s "  technology (cmos) ;\n  delay_model : table_lookup ;\n"
    append s "  time_unit : \"[unit time 1ns]\" ;\n  voltage_unit : \"[unit voltage 1V]\" ;\n"
    append s "  current_unit : \"[unit current 1mA]\" ;\n  leakage_power_unit : \"[unit leakage_power 1nW]\" ;\n"
    append s "  pulling_resistance_unit : \"[unit resistance 1kohm]\" ;\n  capacitive_load_unit ($capn, [string tolower $capu]) ;\n"
    append s "  nom_process : 1 ;\n  nom_voltage : $v ;\n  nom_temperature : $t ;\n"
    append s "  operating_conditions ($ocn) \{\n    process : 1 ;\n    voltage : $v ;\n    temperature : $t ;\n  \}\n"
    append s "  default_operating_conditions : $ocn ;\n"
    dict for {name sup} $S(supplies) {
        append s "  voltage_map ($name, [dict get $sup value]) ;\n"
    }
    dict for {name value} $S(rawvmaps) {
        if {![dict exists $S(supplies) $name]} { append s "  voltage_map ($name, $value) ;\n" }
    }
    dict for {name text} $S(rawtemplates) {
        if {![dict exists $S(templates) $name]} { append s "  $text\n" }
    }
    dict for {name tp} $S(templates) {
        set type [dict get $tp type]
        switch -- $type {
            delay { set g lu_table_template; set v1 input_net_transition; set v2 total_output_net_capacitance }
            power { set g power_lut_template; set v1 input_transition_time; set v2 total_output_net_capacitance }
            constraint { set g lu_table_template; set v1 related_pin_transition; set v2 constrained_pin_transition }
            mpw { set g lu_table_template; set v1 related_pin_transition; set v2 "" }
            default { continue }
        }
        append s "  $g ($name) \{\n    variable_1 : $v1 ;\n"
        if {[llength [dict get $tp index_2]] > 0 && $v2 ne ""} { append s "    variable_2 : $v2 ;\n" }
        append s "    index_1 (\"[join [lmap x [dict get $tp index_1] {fmt $x}] {, }]\") ;\n"
        if {[llength [dict get $tp index_2]] > 0 && $v2 ne ""} {
            append s "    index_2 (\"[join [lmap x [dict get $tp index_2] {fmt $x}] {, }]\") ;\n"
        }
        append s "  \}\n"
    }
    foreach c $cells {
        append s [cell_text $c [dict get $S(db) $c] $lvf $sensitivity]
    }
    append s "\}\n"
    return $s
}

proc ::libstub::select_cells {cmd o} {
    variable S
    if {![dict exists $o -cells]} { return [dict keys $S(db)] }
    set cells [flatten $cmd "-cells" [list [dict get $o -cells]]]
    if {[llength $cells] == 0} {
        fail $cmd "-cells is empty"
    }
    foreach c $cells {
        if {![dict exists $S(db) $c]} {
            fail $cmd "cell '$c' has no data (not characterized, not in a read LDB or library)"
        }
    }
    return $cells
}

proc ::libstub::check_precision {cmd o} {
    if {[dict exists $o -precision] && ![regexp {^%[-+ 0#]*[0-9]*(\.[0-9]+)?[gGfeE]$} [dict get $o -precision]]} {
        fail $cmd "-precision must be a printf format such as %0.6g, got '[dict get $o -precision]'"
    }
    if {[dict exists $o -capacitance_range] && ![isnum [dict get $o -capacitance_range]]} {
        fail $cmd "-capacitance_range must be a number, got '[dict get $o -capacitance_range]'"
    }
    if {[dict exists $o -user_data] && ![file isfile [dict get $o -user_data]]} {
        fail $cmd "-user_data file '[dict get $o -user_data]' does not exist"
    }
}

# write_library [-overwrite] [-ccs -ccsn -ccsp -ecsm -ecsmn -ecsmp] [-lvf] [-user_data F]
#               [-sensitivity_file F] [-cells {..}] [-precision FMT] [...] -filename F LIBNAME
# or (older public decks)  write_library [options] FILE
proc ::libstub::cmd::write_library {a} {
    variable ::libstub::S
    set flagopts {-overwrite -ccs -ccsn -ccsp -ecsm -ecsmn -ecsmp -lvf -driver_waveform
                  -unique_pin_data -rename -derive_max_capacitance}
    set spec {-filename value -user_data value -sensitivity_file value -cells value -precision value
              -capacitance_range value -driver_waveform_size value}
    foreach f $flagopts { lappend spec $f flag }
    lassign [::libstub::parse write_library $spec $a] o p
    if {[llength $p] != 1} {
        if {[dict exists $o -filename]} {
            ::libstub::fail write_library "expected one library name after -filename F, got [llength $p] word(s): '$p'"
        }
        ::libstub::fail write_library "expected -filename FILE LIBNAME (or a single FILE), got [llength $p] word(s): '$p'"
    }
    if {[dict exists $o -filename]} {
        set file [dict get $o -filename]
        set libname [lindex $p 0]
    } else {
        set file [lindex $p 0]
        set libname [file rootname [file tail $file]]
    }
    if {![::libstub::isname $libname]} {
        ::libstub::fail write_library "invalid library name '$libname'"
    }
    ::libstub::check_has_data write_library
    if {[dict size $S(opcond)] == 0} {
        ::libstub::fail write_library "no operating condition (set_operating_condition, or read_library/read_ldb of data that has one)"
    }
    ::libstub::check_precision write_library $o
    if {[dict exists $o -driver_waveform_size] && ![::libstub::isint [dict get $o -driver_waveform_size]]} {
        ::libstub::fail write_library "-driver_waveform_size must be a non-negative integer"
    }
    set cells [::libstub::select_cells write_library $o]
    # Formats: only what was characterized (checked when the data came from char_library/read_ldb).
    set fromchar [expr {[llength [lsearch -all -inline $S(dbsource) read_library*]] == 0}]
    foreach f {ccs ccsn ccsp ecsm ecsmn ecsmp} {
        if {[dict exists $o -$f] && $fromchar && ![dict exists $S(formats) $f]} {
            ::libstub::fail write_library "-$f requested but the data has no $f: characterize with char_library -$f"
        }
    }
    set sens ""
    set header {}
    if {[dict exists $o -sensitivity_file]} {
        set sens [dict get $o -sensitivity_file]
        set slib [::libstub::parse_liberty write_library $sens]
        set common 0
        foreach c $cells { if {[dict exists $slib cells $c]} { incr common } }
        if {$common == 0} {
            ::libstub::fail write_library "-sensitivity_file '$sens' has no cell in common with the data ([join $cells {, }])"
        }
        lappend header "sensitivity_file: $sens ($common of [llength $cells] cells)"
        set sens [dict create file $sens cells [dict get $slib cells]]
    }
    set lvf [dict exists $o -lvf]
    if {$lvf && !$S(variation) && $sens eq ""} {
        ::libstub::fail write_library "-lvf requested but the data has no variation: char_library -lvf, char_variation, or -sensitivity_file"
    }
    ::libstub::check_output write_library $file [dict exists $o -overwrite]
    set fmts {}
    foreach f {ccs ccsn ccsp ecsm ecsmn ecsmp lvf} { if {[dict exists $o -$f]} { lappend fmts $f } }
    lappend header "formats: nldm[expr {[llength $fmts] ? " [join $fmts { }]" : {}}]"
    if {[llength $S(dbsource)] > 0} { lappend header "data: [join $S(dbsource) {; }]" }
    ::libstub::write_text $file [::libstub::liberty $libname $cells [expr {$lvf && $sens eq ""}] $header $sens]
    ::libstub::msg "Finished writing library '$libname' to '$file' ([llength $cells] cells)"
    return $file
}

# write_variation -format sensitivity_plus_nom -filename F [-overwrite] [-cells {..}]
#                 [-user_data F] [-precision FMT] [-unique_pin_data] [-capacitance_range N] LIBNAME
proc ::libstub::cmd::write_variation {a} {
    variable ::libstub::S
    set spec {-format value -filename value -overwrite flag -cells value -user_data value
              -precision value -unique_pin_data flag -capacitance_range value -type value}
    lassign [::libstub::parse write_variation $spec $a] o p
    if {$S(program) ne "VARIETY"} {
        ::libstub::fail write_variation "only available in Variety; this deck runs under $S(program)"
    }
    ::libstub::require write_variation $o {-format -filename}
    if {[dict get $o -format] ni {sensitivity_plus_nom}} {
        ::libstub::fail write_variation "-format must be sensitivity_plus_nom, got '[dict get $o -format]'"
    }
    if {[llength $p] != 1} {
        ::libstub::fail write_variation "expected one library name after the options, got [llength $p] word(s): '$p'"
    }
    set libname [lindex $p 0]
    if {![::libstub::isname $libname]} {
        ::libstub::fail write_variation "invalid library name '$libname'"
    }
    ::libstub::check_has_data write_variation
    if {!$S(variation)} {
        ::libstub::fail write_variation "the data has no variation: run char_variation (or read_ldb an LDB written after char_variation)"
    }
    set vtype all
    if {[dict exists $o -type]} {
        set vtype [dict get $o -type]
        if {$vtype ni {delay setup hold mpw}} {
            ::libstub::fail write_variation "-type must be delay, setup, hold or mpw, got '$vtype'"
        }
        set needs [dict get {delay delay setup constraint hold constraint mpw mpw} $vtype]
        if {$needs in $S(skipped)} {
            set why [expr {$needs eq "mpw" ? " (or mpw_variation was not 1)" : ""}]
            ::libstub::fail write_variation "-type $vtype: char_variation skipped $needs$why, so there is no $vtype variation to write"
        }
    }
    ::libstub::check_precision write_variation $o
    set cells [::libstub::select_cells write_variation $o]
    set file [dict get $o -filename]
    ::libstub::check_output write_variation $file [dict exists $o -overwrite]
    set header [list "format: [dict get $o -format]" "variation type: $vtype" "variation parameters: [join [dict keys $S(variations)] {, }]"]
    if {[llength $S(dbsource)] > 0} { lappend header "data: [join $S(dbsource) {; }]" }
    ::libstub::write_text $file [::libstub::liberty $libname $cells $vtype $header ""]
    ::libstub::msg "Finished writing variation library '$libname' to '$file' ([llength $cells] cells)"
    return $file
}

# packet_slave_cells -> "" (the stub is always the master process, never a packet client)
proc ::libstub::cmd::packet_slave_cells {a} {
    lassign [::libstub::parse packet_slave_cells {} $a] o p
    if {[llength $p] != 0} {
        ::libstub::fail packet_slave_cells "takes no arguments, got '$p'"
    }
    return ""
}

# ---------------------------------------------------------------------------------------------
# Program
# ---------------------------------------------------------------------------------------------

# Line where an unterminated command (unbalanced braces, brackets or quotes) starts, or "".
proc ::libstub::unterminated_line {text} {
    set acc ""
    set start 0
    set lineno 0
    foreach line [split $text "\n"] {
        incr lineno
        if {$acc eq ""} { set start $lineno }
        append acc $line "\n"
        if {[info complete $acc]} { set acc "" }
    }
    if {$acc ne "" && [string trim $acc] ne ""} { return $start }
    return ""
}

proc ::libstub::run_deck {deck} {
    variable S
    set text [read_text $deck]
    set bad [unterminated_line $text]
    if {$bad ne ""} {
        set m "deck '$deck': Tcl syntax error: the command starting at line $bad is never closed (unbalanced braces, brackets or quotes)"
        puts stderr "ERROR ($S(program) stub): $m"
        log "# error [oneline $m]"
        return 1
    }
    if {[catch {uplevel #0 [list source $deck]} err opts]} {
        if {[regexp {^invalid command name "([^"]*)"} $err -> name]} {
            append err " (not a Liberate command the stub knows: [join $::libstub::commands {, }])"
        }
        if {[regexp {\(file "([^"]+)" line ([0-9]+)\)} [dict get $opts -errorinfo] -> file line]} {
            append err " \[$file line $line\]"
        }
        puts stderr "ERROR ($S(program) stub): $err"
        puts stderr [dict get $opts -errorinfo]
        log "# error [oneline $err]"
        puts stdout "$S(program) stub: deck '$deck' aborted after $S(ncalls) Liberate command(s)"
        return 1
    }
    puts stdout "$S(program) stub: finished deck '$deck' ($S(ncalls) Liberate commands)"
    log "# end ok"
    return 0
}

proc ::libstub::main {argl} {
    set trio 0
    if {[lindex $argl 0] eq "--trio"} {
        set trio 1
        set argl [lrange $argl 1 end]
    }
    if {[llength $argl] < 2 || [lindex $argl 0] ni {LIBERATE VARIETY}} {
        puts stderr "usage: tclsh liberate-stubs.tcl \[--trio\] LIBERATE|VARIETY deck.tcl \[args...\]"
        exit 2
    }
    set program [lindex $argl 0]
    set deck [lindex $argl 1]
    if {![file isfile $deck] || ![file readable $deck]} {
        puts stderr "[string tolower $program]: cannot read deck '$deck'"
        exit 2
    }
    init $program $trio [lrange $argl 2 end] $deck
    log "# [oneline [list $program {*}[expr {$trio ? {--trio} : {}}] $deck {*}[lrange $argl 2 end]]]"
    puts stdout "$program stub (libcc tests): running deck '$deck'[expr {$trio ? { in trio mode} : {}}]"
    set rc [run_deck $deck]
    flush stdout
    ::libstub::_real_exit $rc
}

if {[info exists ::argv0] && [file normalize $::argv0] eq [file normalize [info script]]} {
    ::libstub::main $::argv
}
