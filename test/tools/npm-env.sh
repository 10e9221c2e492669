# npm-env.sh - shared setup of the tests that compare Liquid with the npm
# packages node-llama-cpp (a prebuilt llama.cpp, and its source as a git
# bundle) and @huggingface/jinja (the reference chat-template renderer).
# Sourced by the cross-check scripts; ctest runs them one at a time
# (RESOURCE_LOCK llama-cpp-npm) since they share WORK.
#
#   npm_setup WORK          installs the packages into WORK/npm once; exits
#                           77 (ctest: skipped) when node 20+, npm or the
#                           registry is missing
#   llama_cpp_checkout WORK PATH...
#                           checks PATHs of the bundled llama.cpp source out
#                           into WORK/llama.cpp

LIQUID_NLC_VERSION=3.22.1
LIQUID_JINJA_VERSION=0.5.13

npm_skip() { echo "SKIP: $*"; exit 77; }

npm_setup() {
  local work=$1
  command -v node >/dev/null && command -v npm >/dev/null || npm_skip "needs node and npm"
  command -v git >/dev/null || npm_skip "needs git"
  node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' \
    || npm_skip "needs Node.js >= 20 (found $(node --version))"
  local modules="$work/npm/node_modules"
  if [ -f "$modules/node-llama-cpp/package.json" ] &&
     [ -f "$modules/@node-llama-cpp/linux-x64/package.json" ] &&
     [ -f "$modules/@huggingface/jinja/package.json" ]; then
    return 0
  fi
  mkdir -p "$work/npm"
  (cd "$work/npm" && npm init -y >/dev/null &&
   NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm install --omit=optional --ignore-scripts \
     --no-audit --no-fund "node-llama-cpp@$LIQUID_NLC_VERSION" \
     "@node-llama-cpp/linux-x64@$LIQUID_NLC_VERSION" \
     "@huggingface/jinja@$LIQUID_JINJA_VERSION" >"$work/npm/install.log" 2>&1) \
    || npm_skip "could not install the npm packages (see $work/npm/install.log)"
}

llama_cpp_checkout() {
  local work=$1
  shift
  local src="$work/llama.cpp"
  if [ ! -d "$src/.git" ]; then
    rm -rf "$src"
    git clone -q --no-checkout \
      "$work/npm/node_modules/node-llama-cpp/llama/gitRelease.bundle" "$src"
  fi
  git -C "$src" checkout -q HEAD -- "$@"
}
