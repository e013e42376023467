#!/bin/bash
# Runs `score check` on every file of the bad-input corpus and checks its exit
# status, that stderr names the expected place, and that nothing crashed.
set -u
score=$1
dir=$2
failed=0
total=0
while IFS='|' read -r name want expect options; do
  case "$name" in ''|'#'*) continue ;; esac
  total=$((total + 1))
  # shellcheck disable=SC2086
  err=$("$score" check --signals "$dir/files/$name" $options 2>&1 >/dev/null)
  got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL $name: exit $got, expected $want"; echo "$err" | head -5; failed=$((failed + 1)); continue
  fi
  if [ -n "$expect" ] && ! grep -qF -- "$expect" <<<"$err"; then
    echo "FAIL $name: stderr lacks: $expect"; echo "$err" | head -5; failed=$((failed + 1)); continue
  fi
  if grep -qE "AddressSanitizer|runtime error|LeakSanitizer" <<<"$err"; then
    echo "FAIL $name: sanitizer report"; echo "$err" | head -20; failed=$((failed + 1))
  fi
done < "$dir/EXPECTED"
echo "$((total - failed)) of $total corpus files behaved as expected"
[ "$total" -ge 40 ] && [ "$failed" -eq 0 ]
