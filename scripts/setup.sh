#!/usr/bin/env bash
# One-command set-up on Debian 12: installs the build dependencies (Debian packages), builds
# catalog-lint and its tests into ./build, installs the executable to /usr/local/bin, and runs it
# on the examples. Run as root or with sudo available. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
packages=(build-essential cmake pkg-config git libyaml-cpp-dev libre2-dev libfmt-dev
          libcli11-dev doctest-dev nlohmann-json3-dev libcurl4-openssl-dev libvalijson-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

werror=OFF
if [ "${CI:-}" = "true" ]; then werror=ON; fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCATALOG_LINT_WERROR="$werror"
cmake --build build -j"$(nproc)"
# Say what an install replaces: an existing /usr/local/bin/catalog-lint is overwritten.
target=/usr/local/bin/catalog-lint
if [ -x "$target" ]; then
  previous="$("$target" --version 2>/dev/null || echo "of unknown version")"
  echo "== replacing $target ($previous) with $(build/catalog-lint --version)"
fi
$sudo cmake --install build --prefix /usr/local

echo
echo "== catalog-lint $(catalog-lint --version) installed to $(command -v catalog-lint)"
echo "== catalog-lint examples/   (one clean file, one with mistakes)"
status=0
catalog-lint --color never examples/ || status=$?
echo "== exit code $status (0: clean, 1: findings at or above --fail-on, 2: usage or I/O error)"
