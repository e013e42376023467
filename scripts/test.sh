#!/bin/bash
# Every test: the release build with its tests, the same tests built with
# AddressSanitizer and UndefinedBehaviorSanitizer, the Python wrapper's tests,
# the ABI check, and each libFuzzer target for FUZZ_SECONDS (default 30).
#
#   scripts/test.sh --quick   the edit-test loop: the release build in build/
#                             (ccache when installed), ctest and pytest; no
#                             apt-get, no sanitizers, no fuzzing, no ABI check.
#                             Extra arguments go to ctest (-R NAME, -L unit)
#                             and leave pytest out.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${JOBS:-$(nproc)}
fuzz_seconds=${FUZZ_SECONDS:-30}

step() { printf '\n==== %s\n' "$*"; }

if [ "${1:-}" = "--quick" ]; then
  shift
  launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  step "release build (quick)"
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
  cmake --build build -j "$jobs"
  step "ctest"
  ctest --test-dir build --output-on-failure -j "$jobs" "$@"
  if [ $# -eq 0 ] && ls tests/python/test_*.py >/dev/null 2>&1; then
    step "Python wrapper (pytest, Debian's python3)"
    LIBSCORE_LIBRARY="$root/build/libscore.so" /usr/bin/python3 -m pytest -q tests/python
  fi
  step "quick tests passed (the full run: scripts/test.sh)"
  exit 0
fi

bash scripts/install-deps.sh --browser

step "release build (gcc, -Werror) and its tests"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"

step "the same tests under AddressSanitizer and UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSCORE_SANITIZE=ON -DSCORE_BENCH=OFF >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"

if [ -d tests/python ] && ls tests/python/test_*.py >/dev/null 2>&1; then
  step "Python wrapper (pytest, Debian's python3)"
  LIBSCORE_LIBRARY="$root/build/libscore.so" /usr/bin/python3 -m pytest -q tests/python
  step "Python wrapper against the sanitizer build's library (a use-after-free aborts)"
  # python3 itself is not instrumented: the runtimes come first, and leaks
  # of the interpreter are not ours to report
  LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)" \
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LIBSCORE_LIBRARY="$root/build-asan/libscore.so" /usr/bin/python3 -m pytest -q tests/python
  step "Python package from a fresh clone: pip install ./python, no environment variable"
  bash tests/python/install-from-clone.sh "$root"
fi

# Numbers must not follow the host's locale: the release tests and pytest
# again under one whose decimal point is a comma (install-deps makes it).
step "the release tests and pytest again under a comma-decimal locale (de_DE.UTF-8)"
if ! locale -a | grep -qix 'de_DE.utf-\?8'; then
  echo "the locale de_DE.UTF-8 is missing (scripts/install-deps.sh makes it)" >&2
  exit 1
fi
LC_ALL=de_DE.UTF-8 ctest --test-dir build --output-on-failure -j "$jobs"
if [ -d tests/python ] && ls tests/python/test_*.py >/dev/null 2>&1; then
  LC_ALL=de_DE.UTF-8 LIBSCORE_LIBRARY="$root/build/libscore.so" \
    /usr/bin/python3 -m pytest -q tests/python
fi

step "libFuzzer targets, ${fuzz_seconds}s each (clang)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DSCORE_FUZZ=ON -DSCORE_BENCH=OFF >/dev/null
cmake --build build-fuzz -j "$jobs" --target $(cd tests/fuzz && ls fuzz_*.c | sed 's/\.c$//')
for src in tests/fuzz/fuzz_*.c; do
  name=$(basename "$src" .c)
  corpus_dir="$root/build-fuzz/corpus-${name#fuzz_}"
  mkdir -p "$corpus_dir"
  cp -n tests/fuzz/corpus/"${name#fuzz_}"/* "$corpus_dir"/ 2>/dev/null || true
  echo "-- $name"
  log="$root/build-fuzz/$name.log"
  if ! ./build-fuzz/tests/"$name" -max_total_time="$fuzz_seconds" -max_len=65536 \
      -rss_limit_mb=2048 -print_final_stats=1 "$corpus_dir" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz target $name failed; its log: $log" >&2
    exit 1
  fi
  grep -E "^stat::(number_of_executed_units|peak_rss_mb)" "$log" || true
done

if [ -f abi/libscore.abi ]; then
  step "ABI against the baseline (abidiff; added functions are fine)"
  bash scripts/abi-check.sh build/libscore.so
fi

step "all tests passed"
