#!/bin/bash
# The main job on the embedded default: install what is missing, build, and
# check the bundled sample of enterprise signals.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
echo "== score check --signals examples/data/sample-signals.csv.gz"
./build/score check --signals examples/data/sample-signals.csv.gz
