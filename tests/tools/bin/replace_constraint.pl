#!/usr/bin/env bash
# Stub of the kit script replace_constraint.pl for libcc's tests (the legacy flow's
# from_Allen/Merge_cons_non_cons: `replace_constraint.pl NON_CONS.lib CONS.lib`, result in
# constraint_replaced/NON_CONS.lib). It joins the two halves of a multi-bit library
# characterized by separate decks: the constraint tables of CONS into NON_CONS.
#
# Strict like the Liberate stubs: exactly two Liberty files, NON_CONS without constraint tables,
# CONS with them, the same library name; constraint_replaced/ is created in the working directory.
# The result is NON_CONS with each cell that CONS characterized (its clocked cells) replaced by
# CONS's group of that cell, which holds the constraint tables, and a comment saying how many
# (the values are placeholders, as the stubs' are). Exit 1 on any violation, 2 on usage.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: replace_constraint.pl NON_CONS.lib CONS.lib" >&2
  exit 2
fi
non_cons="$1"
cons="$2"
for f in "$non_cons" "$cons"; do
  if [[ ! -f "$f" ]]; then
    echo "replace_constraint.pl: '$f' does not exist" >&2
    exit 1
  fi
  if ! grep -q '^library (' "$f"; then
    echo "replace_constraint.pl: '$f' is not a Liberty library" >&2
    exit 1
  fi
done
name_of() { sed -n 's/^library (\(.*\)) {$/\1/p' "$1" | head -n 1; }
if [[ "$(name_of "$non_cons")" != "$(name_of "$cons")" ]]; then
  echo "replace_constraint.pl: '$non_cons' and '$cons' are different libraries" >&2
  exit 1
fi
if grep -Eq 'timing_type : (setup|hold)_' "$non_cons"; then
  echo "replace_constraint.pl: '$non_cons' already has constraint tables: not a non_cons half" >&2
  exit 1
fi
tables="$(grep -Ec 'timing_type : (setup|hold)_' "$cons" || true)"
if [[ "$tables" -eq 0 ]]; then
  echo "replace_constraint.pl: '$cons' has no constraint tables: not a cons half" >&2
  exit 1
fi
mkdir -p constraint_replaced
out="constraint_replaced/$(basename -- "$non_cons")"
# Cell groups are `  cell (NAME) {` … `  }` in the Liberty files the Liberate stubs write.
awk -v cons_file="$cons" -v cons_name="$(basename -- "$cons")" '
  BEGIN {
    while ((getline line < cons_file) > 0) {
      if (match(line, /^  cell \(.*\) \{$/)) { cell = substr(line, 9, length(line) - 11); block[cell] = "" }
      if (cell != "") block[cell] = block[cell] line "\n"
      if (line == "  }") cell = ""
    }
    close(cons_file)
  }
  NR == 1 { print; next }
  /^  cell \(.*\) \{$/ {
    name = substr($0, 9, length($0) - 11)
    if (name in block) { printf "%s", block[name]; skipping = 1; replaced++; next }
  }
  skipping { if ($0 == "  }") skipping = 0; next }
  { print }
  END {
    if (replaced == 0) { print "replace_constraint.pl: no cell of " cons_name " in the non_cons library" > "/dev/stderr"; exit 1 }
  }
' "$non_cons" >"$out.body" || { rm -f -- "$out.body"; exit 1; }
{
  head -n 1 "$out.body"
  printf '  /* replace_constraint.pl stub: the cells of %s replaced (%s constraint tables) */\n' "$(basename -- "$cons")" "$tables"
  tail -n +2 "$out.body"
} >"$out"
rm -f -- "$out.body"
echo "replace_constraint.pl: wrote $out ($tables constraint tables from $cons)"
