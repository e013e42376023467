#!/bin/bash
# Compares a build of libscore.so with the ABI baseline in abi/libscore.abi.
# Fails on an incompatible change only: added functions are fine.
#   bash scripts/abi-check.sh build/libscore.so           check
#   bash scripts/abi-check.sh build/libscore.so --update  write a new baseline
set -uo pipefail
cd "$(dirname "$0")/.."
lib=${1:?usage: abi-check.sh LIBRARY [--update]}
if [ "${2:-}" = "--update" ]; then
  abidw --headers-dir include --no-corpus-path --out-file abi/libscore.abi "$lib"
  echo "wrote abi/libscore.abi"
  exit 0
fi
report=$(abidiff --headers-dir2 include abi/libscore.abi "$lib")
rc=$?
echo "$report"
# abidiff's status is a bit mask: 1 error, 2 usage, 4 ABI changed, 8 incompatible change
if (( rc & 1 )) || (( rc & 2 )) || (( rc & 8 )); then
  echo "ABI check failed (abidiff status $rc): an incompatible change to libscore.so.1" >&2
  exit 1
fi
# abidiff flags a changed type with 4 only; any removed or changed function or
# variable is an incompatible change for us.
if (( rc & 4 )) && grep -qE "[1-9][0-9]* (Removed|Changed)" <<<"$report"; then
  echo "ABI check failed: functions or variables were removed or changed" >&2
  exit 1
fi
if (( rc & 4 )); then
  echo "ABI changed compatibly (added functions); the baseline may be updated at release"
else
  echo "ABI unchanged against the baseline"
fi
