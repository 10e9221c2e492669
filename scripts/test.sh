#!/usr/bin/env bash
# The whole test suite: install dependencies, build, run every lit suite and
# unit test through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j 2
