#!/bin/bash
# Issue 16's fresh clone: clone the repository, pip-install ./python into a
# new venv (Debian's python3-venv, the system's numpy seen through
# --system-site-packages; offline: --no-index, Debian's setuptools), then
# load the default model with no environment variable at all.
# usage: install-from-clone.sh [REPOSITORY]   (default: this checkout)
set -euo pipefail
source=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git clone -q "$source" "$tmp/libscore"
/usr/bin/python3 -m venv --system-site-packages "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q --no-build-isolation --no-index "$tmp/libscore/python"
cd "$tmp/libscore"
out=$(env -i PATH=/usr/bin:/bin HOME="$tmp" "$tmp/venv/bin/python" -c \
  "import libscore; print(libscore.Model('models/default.json.gz')); print(libscore.LIBRARY_PATH)")
echo "$out"
echo "$out" | grep -q "^<libscore.Model signals model" 
echo "$out" | tail -n 1 | grep -q "^$tmp/venv/.*/libscore/libscore.so$" || {
  echo "the installed package did not load its own library" >&2; exit 1; }
