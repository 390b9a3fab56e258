#!/usr/bin/env bash
# Stub of the kit script replace_constraint.pl for libcc's tests (the legacy flow's
# from_Allen/Merge_cons_non_cons: `replace_constraint.pl NON_CONS.lib CONS.lib`, result in
# constraint_replaced/NON_CONS.lib). It joins the two halves of a multi-bit library
# characterized by separate decks: the constraint tables of CONS into NON_CONS.
#
# Strict like the Liberate stubs: exactly two Liberty files, NON_CONS without constraint tables,
# CONS with them, the same library name; constraint_replaced/ is created in the working directory.
# The result is NON_CONS with a comment saying how many constraint tables came from CONS (the
# values are placeholders, as the stubs' are). Exit 1 on any violation, 2 on usage.
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
{
  head -n 1 "$non_cons"
  printf '  /* replace_constraint.pl stub: %s constraint tables from %s */\n' "$tables" "$(basename -- "$cons")"
  tail -n +2 "$non_cons"
} >"$out"
echo "replace_constraint.pl: wrote $out ($tables constraint tables from $cons)"
