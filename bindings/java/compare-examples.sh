#!/bin/bash
# Runs the C bank example and its Java twin on the same model and compares
# everything they print about the applicant, the score and the price.
#   compare-examples.sh LOAN_DECISION MODEL JAVA ARGS... (the Java command)
set -euo pipefail
c_example=$1 model=$2
shift 2
c_out=$("$c_example" "$model" 2>/dev/null)
java_out=$("$@" "$model" 2>/dev/null)
# The version line differs by nothing either; the whole output must match.
if [ "$c_out" != "$java_out" ]; then
  echo "the Java example differs from the C example:" >&2
  diff <(printf '%s\n' "$c_out") <(printf '%s\n' "$java_out") >&2 || true
  exit 1
fi
grep -E '^(pd|grade) ' <<<"$java_out"
grep -E 'minimum rate' <<<"$java_out"
echo "the Java example prints what the C example prints"
