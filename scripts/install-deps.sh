#!/usr/bin/env bash
# Installs what Liquid needs on Debian 12: LLVM/MLIR 22, lld, clang 22 and
# its sanitizer runtimes (scripts/test.sh --sanitize), FlatBuffers,
# GoogleTest, Google Benchmark, CMake and Ninja. Safe to run again.
# `install-deps.sh --list` prints the package names and installs nothing.
set -euo pipefail

packages=(
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools liblld-22-dev clang-22
  libclang-rt-22-dev
  libflatbuffers-dev flatbuffers-compiler libgtest-dev libbenchmark-dev
  cmake ninja-build g++ python3
)

if [ "${1:-}" = "--list" ]; then
  echo "${packages[@]}"
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: error: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${missing[@]}"
