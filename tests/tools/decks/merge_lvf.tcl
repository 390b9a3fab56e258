# Merge deck: nominal library + LVF sensitivity library -> one Liberty file.  Example for the
# libcc Liberate stubs (tests/tools); runs under liberate or variety.
#
#   liberate merge_lvf.tcl NOMINAL_LIB LVF_LIB MERGED_LIB LIBNAME

if {$argc != 4} {
    error "usage: merge_lvf.tcl NOMINAL_LIB LVF_LIB MERGED_LIB LIBNAME (got: $argv)"
}
lassign $argv nominal lvf merged libname

set_var set_var_failure_action error
read_library $nominal
write_library -overwrite -sensitivity_file $lvf -filename $merged $libname
