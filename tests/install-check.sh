#!/bin/bash
# Install the build into a temporary prefix, then build and run the bank
# example against it the way a user would: pkg-config for the flags, the
# installed default model. usage: install-check.sh BUILD_DIR SOURCE_DIR CC
set -euo pipefail
build=$1 source=$2 cc=$3
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix/usr" >/dev/null
# the installation is moved after the fact: libscore.pc must follow it
mv "$prefix/usr" "$prefix/moved"
pc=$(dirname "$(find "$prefix/moved" -name libscore.pc)")
flags=$(PKG_CONFIG_PATH=$pc pkg-config --cflags --libs libscore)
"$cc" -std=c11 -Wall -Wextra -Werror -o "$prefix/loan_decision" \
  "$source/examples/bank/loan_decision.c" $flags -lm
libdir=$(PKG_CONFIG_PATH=$pc pkg-config --variable=libdir libscore)
model=$(find "$prefix/moved" -name default.json.gz)
LD_LIBRARY_PATH=$libdir "$prefix/loan_decision" "$model" >"$prefix/out.txt"
grep -q '^grade ' "$prefix/out.txt"
echo "installed, built with pkg-config, ran: $(grep '^grade ' "$prefix/out.txt")"
# the Python wrapper installed beside the library finds it by itself, moved
# or not: no LIBSCORE_LIBRARY, only the package's directory on the path
libpath=$(find "$prefix/moved" -name _libpath.py)
if [ -n "$libpath" ]; then
  pydir=$(dirname "$(dirname "$libpath")")
  out=$(env -i PATH=/usr/bin:/bin PYTHONPATH="$pydir" /usr/bin/python3 -c \
    "import libscore, sys; print(libscore.LIBRARY_PATH); print(libscore.Model(sys.argv[1]))" "$model")
  echo "$out" | grep -q "^$prefix/moved/" || { echo "the wrapper loaded another library: $out" >&2; exit 1; }
  echo "installed Python wrapper: $(echo "$out" | tail -n 1)"
fi
