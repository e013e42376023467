#!/bin/bash
# The main job on the embedded default: install what is missing, build, then
# take the bundled sample of enterprise signals through the library: check
# it, score every enterprise with the default model, explain the riskiest
# one, and price a loan with and without a guarantee and a compensation fund.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${SKIP_DEPS:-}" ] || bash scripts/install-deps.sh   # SKIP_DEPS=1: already installed
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" >/dev/null

score=./build/score
signals=examples/data/sample-signals.csv.gz
model=models/default.json.gz
asof=2024-12
out=build/demo
mkdir -p "$out"

echo "== score check --signals $signals"
$score check --signals "$signals"

echo
echo "== score predict --model $model --signals $signals --asof $asof --out $out/scores.csv"
$score predict --model "$model" --signals "$signals" --asof "$asof" --out "$out/scores.csv"
echo "enterprises by grade:"
for grade in AAA AA A BBB BB B CCC CC C D; do
  tail -n +2 "$out/scores.csv" | awk -F, -v g="$grade" '$4 == g {n++} END {if (n) printf "  %-4s %d\n", g, n}'
done
echo "the five riskiest (uscc, pd, score, grade, margin, reasons):"
tail -n +2 "$out/scores.csv" | sort -t, -k2,2 -g -r | head -5 | sed 's/^/  /'

riskiest=$(tail -n +2 "$out/scores.csv" | sort -t, -k2,2 -g -r | head -1 | cut -d, -f1)
echo
echo "== score explain --model $model --signals $signals --asof $asof --uscc $riskiest (first lines)"
$score explain --model "$model" --signals "$signals" --asof "$asof" --uscc "$riskiest" >"$out/explain.txt"
head -n 20 "$out/explain.txt"

median=$(tail -n +2 "$out/scores.csv" | sort -t, -k2,2 -g | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}' |
         cut -d, -f1)
cat >"$out/request.json" <<EOF
{"uscc": "$median", "amount": 3000000, "tenor_years": 2, "annual_sales": 24000000,
 "orders_verified": 1500000, "receivables_verified": 800000,
 "patents": {"invention": 2000000},
 "guarantee": {"share": 0.5, "pd": 0.003}, "compensation_share": 0.3}
EOF
echo
echo "== score enhance --request $out/request.json --model $model --signals $signals --asof $asof"
echo "   (a 3,000,000-yuan loan to the median enterprise, $median)"
$score enhance --request "$out/request.json" --model "$model" --signals "$signals" --asof "$asof"
