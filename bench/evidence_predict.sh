#!/bin/bash
# score predict of a population with and without --evidence, alternating,
# best of N runs each, in the same run (docs: bench/README.md, evidence).
#   bench/evidence_predict.sh BUILD SIGNALS.csv.gz [RUNS]
set -euo pipefail
build=$1 signals=$2 runs=${3:-3}
model=$(dirname "$0")/../models/default.json.gz
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
best_plain=999999 best_logged=999999
for i in $(seq "$runs"); do
  s=$(date +%s.%N)
  "$build/score" predict --model "$model" --signals "$signals" --asof 2024-12 --out "$tmp/p.csv" 2>/dev/null
  e=$(date +%s.%N); t=$(echo "$e - $s" | bc)
  best_plain=$(echo "if ($t < $best_plain) $t else $best_plain" | bc)
  rm -rf "$tmp/log"
  s=$(date +%s.%N)
  "$build/score" predict --model "$model" --signals "$signals" --asof 2024-12 --out "$tmp/q.csv" \
    --evidence "$tmp/log" 2>/dev/null
  e=$(date +%s.%N); t=$(echo "$e - $s" | bc)
  best_logged=$(echo "if ($t < $best_logged) $t else $best_logged" | bc)
  cmp -s "$tmp/p.csv" "$tmp/q.csv" || { echo "the scores differ with --evidence"; exit 1; }
done
records=$("$build/score" evidence verify --log "$tmp/log" | sed 's/intact: \([0-9]*\) records.*/\1/')
echo "predict without --evidence: ${best_plain} s; with: ${best_logged} s ($records records);" \
     "ratio $(echo "scale=3; $best_logged / $best_plain" | bc)"
