# -*- Python -*-
# lit configuration of the liquid compiler tests.

import os

import lit.formats
from lit.llvm import llvm_config

config.name = "LIQUID"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.liquid_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%examples", os.path.join(config.liquid_src_root, "examples")))
config.substitutions.append(("%mlir_lib_dir", os.path.join(os.path.dirname(config.llvm_tools_dir), "lib")))
config.substitutions.append(("%docs", os.path.join(config.liquid_obj_root, "docs")))

llvm_config.use_default_substitutions()

# Tools come from the LLVM 22 directory and the build tree, never from PATH
# (an older LLVM may be installed system-wide).
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.liquid_tools_dir, append_path=True)

# Sanitized builds: the options scripts/test.sh --sanitize sets reach the
# tools, and tests that cannot run under a sanitizer (an address-space
# limit under ASan's shadow memory) say so with `UNSUPPORTED: asan`.
llvm_config.with_system_environment(
    ["ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"])
if "address" in config.liquid_sanitize:
    config.available_features.add("asan")

