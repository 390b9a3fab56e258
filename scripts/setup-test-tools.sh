#!/usr/bin/env bash
# Installs the programs the test suite runs besides Node.js — `npm run setup:test` runs it:
#   - `shellcheck` lints every generated script (Debian package: shellcheck);
#   - `tclsh` parses and sources the decks (Debian package: tcl);
#   - Chromium opens the HTML report headless (Debian package: chromium).
# Chromium is $LIBCC_CHROMIUM when set, else the first of chromium, chromium-browser,
# google-chrome on PATH — the lookup of tests/helpers/chromium.ts.
#
# When all are present it changes nothing and returns at once. When some are missing it
# installs them with apt-get as root on Debian or Ubuntu; otherwise (not root, no apt-get, or
# --check) it prints what to install and exits 1.
#
# Usage: scripts/setup-test-tools.sh [--check]
set -euo pipefail

readonly ME=setup-test-tools
readonly CHROMIUM_NAMES=(chromium chromium-browser google-chrome)

usage() {
  echo "usage: scripts/setup-test-tools.sh [--check]"
  echo "  installs shellcheck, tcl and chromium with apt-get (as root) when they are missing;"
  echo "  --check only reports, and exits 1 when something is missing"
}

check_only=false
case $# in
  0) ;;
  1)
    case $1 in
      --check) check_only=true ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; exit 2 ;;
    esac
    ;;
  *) usage >&2; exit 2 ;;
esac

# The browser the tests launch, on stdout; status 1 when there is none.
find_chromium() {
  if [[ -n ${LIBCC_CHROMIUM:-} ]]; then
    [[ -f $LIBCC_CHROMIUM && -x $LIBCC_CHROMIUM ]] || return 1
    printf '%s\n' "$LIBCC_CHROMIUM"
    return 0
  fi
  local name
  for name in "${CHROMIUM_NAMES[@]}"; do
    if command -v "$name" 2>/dev/null; then return 0; fi
  done
  return 1
}

# Fills `missing` (Debian packages) and `wanted` (what the tests look for) with what is absent.
survey() {
  missing=()
  wanted=()
  if ! command -v shellcheck >/dev/null 2>&1; then missing+=(shellcheck); wanted+=("shellcheck on PATH"); fi
  if ! command -v tclsh >/dev/null 2>&1; then missing+=(tcl); wanted+=("tclsh on PATH"); fi
  if ! find_chromium >/dev/null; then
    missing+=(chromium)
    wanted+=("chromium, chromium-browser or google-chrome on PATH (or LIBCC_CHROMIUM=/path/to/chrome)")
  fi
}

# A LIBCC_CHROMIUM that names no program is a mistake to fix, not a package to install.
if [[ -n ${LIBCC_CHROMIUM:-} && ! ( -f $LIBCC_CHROMIUM && -x $LIBCC_CHROMIUM ) ]]; then
  echo "$ME: LIBCC_CHROMIUM=$LIBCC_CHROMIUM is not an executable file: point it at a Chromium or Chrome binary, or unset it" >&2
  exit 1
fi

survey
if ((${#missing[@]} == 0)); then
  echo "$ME: ok: $(command -v shellcheck), $(command -v tclsh), $(find_chromium)"
  exit 0
fi

if $check_only || ((EUID != 0)) || ! command -v apt-get >/dev/null 2>&1; then
  {
    echo "$ME: the tests need programs that are not installed:"
    printf '  - %s\n' "${wanted[@]}"
    if command -v apt-get >/dev/null 2>&1; then
      echo "install them with:"
      echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
      echo "(or run \`npm run setup:test\` as root)"
    else
      echo "install them with your system's package manager (Debian/Ubuntu packages: ${missing[*]})"
    fi
  } >&2
  exit 1
fi

echo "$ME: installing ${missing[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}"

survey
if ((${#missing[@]} > 0)); then
  echo "$ME: still missing after apt-get install:" >&2
  printf '  - %s\n' "${wanted[@]}" >&2
  exit 1
fi
echo "$ME: ok: $(command -v shellcheck), $(command -v tclsh), $(find_chromium)"
