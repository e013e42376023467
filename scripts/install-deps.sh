#!/bin/bash
# Installs, from Debian's archive, what libscore needs and this machine lacks.
# Run as root. Installs nothing when everything is present.
set -euo pipefail
packages=(
  build-essential cmake pkg-config clang libclang-rt-dev
  zlib1g-dev libjansson-dev libsodium-dev libxgboost-dev libcriterion-dev abigail-tools
  python3 python3-numpy python3-pytest python3-xgboost python3-pandas
)
if [ "${1:-}" = "--browser" ]; then
  packages+=(chromium python3-pil)   # the HTML report rendered, and its screenshot read
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
