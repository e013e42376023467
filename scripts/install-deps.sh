#!/bin/bash
# Installs, from Debian's archive, what libscore needs and this machine lacks.
# Run as root. Installs nothing when everything is present.
set -euo pipefail
packages=(
  build-essential cmake pkg-config clang libclang-rt-dev locales
  zlib1g-dev libjansson-dev libsodium-dev libxgboost-dev libcriterion-dev abigail-tools
  python3 python3-numpy python3-pytest python3-xgboost python3-pandas
  default-jdk-headless junit4
  python3-sklearn python3-tqdm python3-venv python3-pip python3-setuptools
  python3-dask python3-distributed   # libscore.dask, score-dask (Debian 12 has no python3-pyarrow)
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
# The suite runs once more under a comma-decimal locale (scripts/test.sh).
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
  localedef -i de_DE -f UTF-8 de_DE.UTF-8
fi
