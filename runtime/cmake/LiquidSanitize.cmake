# LIQUID_SANITIZE: the sanitizers everything in this directory and below is
# built with (clang): "address,undefined" (scripts/test.sh --sanitize) or
# "thread" (the runtime's tests under TSan). Empty: none. LIQUID_FUZZ adds
# libFuzzer's coverage instrumentation and the fuzz targets (fuzz/).
#
# Every UBSan check stops the program (-fno-sanitize-recover). The
# `function` check is off: kernels are generated code in a dlopen()ed
# object without UBSan's type signatures before each function, and the
# check would read the bytes before a kernel's entry as one.
set(LIQUID_SANITIZE "" CACHE STRING
    "Sanitizers to build with: address,undefined or thread (clang only)")
option(LIQUID_FUZZ "Build the libFuzzer targets (fuzz/); instruments \
everything for coverage (with LIQUID_SANITIZE=address,undefined)" OFF)
if(LIQUID_SANITIZE)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "LIQUID_SANITIZE needs clang (CXX=clang++-22)")
  endif()
  add_compile_options(-fsanitize=${LIQUID_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${LIQUID_SANITIZE})
  if(LIQUID_SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize=function)
  endif()
endif()
if(LIQUID_FUZZ)
  if(NOT LIQUID_SANITIZE MATCHES "address")
    message(FATAL_ERROR "LIQUID_FUZZ needs LIQUID_SANITIZE=address,undefined")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
