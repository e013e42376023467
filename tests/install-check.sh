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
