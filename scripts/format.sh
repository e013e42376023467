#!/bin/bash
# Apply the tree's formatting, or check it.
#
#   scripts/format.sh           rewrite the C sources with clang-format
#                               (.clang-format) and fix the text files'
#                               trailing white space, CRLF and final newline
#                               (.editorconfig)
#   scripts/format.sh --check   change nothing; list what is off and exit 1
#                               when anything is
#   scripts/format.sh [--check] FILE...   only these files
#
# Test inputs (tests/corpus/files, tests/fuzz/corpus, examples/data) are bytes
# on purpose and never touched. Needs clang-format 14 (Debian's
# clang-format); CLANG_FORMAT names another binary.
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  shift
fi
clang_format=${CLANG_FORMAT:-clang-format}
if ! command -v "$clang_format" >/dev/null; then
  echo "format.sh: $clang_format not found (apt-get install clang-format)" >&2
  exit 2
fi

is_test_data() {
  case "$1" in
    tests/corpus/files/* | tests/corpus/EXPECTED | tests/fuzz/corpus/* | examples/data/*) return 0 ;;
    *) return 1 ;;
  esac
}

# the files: those given, else the tracked ones (or all, outside git)
if [ $# -gt 0 ]; then
  files=("$@")
elif git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard)
else
  mapfile -t files < <(find . -path ./.git -prune -o -path './build*' -prune -o -type f -print |
    sed 's|^\./||')
fi

c_files=()
text_files=()
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  is_test_data "$f" && continue
  case "$f" in
    *.c | *.h) c_files+=("$f") ;;
    *.md | *.py | *.sh | *.cmake | *.txt | *.map | *.in | *.toml | *.cfg | CMakeLists.txt | \
      .editorconfig | .clang-format | .clang-tidy | .gitignore | .ci/run)
      text_files+=("$f") ;;
  esac
done

bad=0
if [ ${#c_files[@]} -gt 0 ]; then
  if [ $check = 1 ]; then
    for f in "${c_files[@]}"; do
      if ! "$clang_format" --style=file "$f" | cmp -s - "$f"; then
        echo "$f: not formatted (scripts/format.sh $f shows the fix)"
        bad=1
      fi
    done
  else
    "$clang_format" --style=file -i "${c_files[@]}"
  fi
fi

for f in "${text_files[@]}" "${c_files[@]}"; do
  problems=""
  grep -qE '[[:space:]]+$' "$f" && problems="$problems trailing-space"
  grep -q $'\r' "$f" && problems="$problems CR"
  [ -s "$f" ] && [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" != '\n' ] && problems="$problems no-final-newline"
  [ -z "$problems" ] && continue
  if [ $check = 1 ]; then
    echo "$f:$problems"
    bad=1
  else
    sed -i -e 's/\r$//' -e 's/[[:space:]]*$//' "$f"
    [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] || echo >>"$f"
  fi
done

if [ $check = 1 ] && [ $bad = 1 ]; then
  echo "format.sh: the files above are not formatted; run scripts/format.sh" >&2
  exit 1
fi
exit 0
