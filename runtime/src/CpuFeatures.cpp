//===- CpuFeatures.cpp - Host CPU features and target selection -----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements the host feature query from cpuid (x86, with XGETBV
// for the register state the OS saves: an AVX-512 CPU under an OS that does
// not save ZMM registers has no AVX-512) or from the auxiliary vector's
// HWCAP words (AArch64), and target selection. Names follow LLVM's target
// feature spelling, so a compiler's `features` string reads back directly.
//
//===----------------------------------------------------------------------===//

#include "CpuFeatures.h"

#include "Status.h"

#include <cstdint>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#elif defined(__aarch64__)
#include <sys/auxv.h>
#endif

using namespace liquid::runtime;
namespace lqm = liquid::lqm;

namespace {

/// One feature: where its bit lives and which saved register state it needs.
struct FeatureBit {
  const char *name;
  uint8_t word;
  uint8_t bit;
  uint8_t state;
};

#if defined(__x86_64__) || defined(__i386__)

// Words: cpuid leaf/subleaf and register.
enum : uint8_t { Always, L1C, L1D, L7B, L7C, L7D, L7S1A, LE1C, LD1A, Words };
// Register state the OS must save, from XCR0.
enum : uint8_t { NoState, AvxState, Avx512State, AmxState };

const FeatureBit features[] = {
    {"64bit", Always, 0, NoState},
    {"x87", L1D, 0, NoState},
    {"cx8", L1D, 8, NoState},
    {"cmov", L1D, 15, NoState},
    {"mmx", L1D, 23, NoState},
    {"fxsr", L1D, 24, NoState},
    {"sse", L1D, 25, NoState},
    {"sse2", L1D, 26, NoState},
    {"sse3", L1C, 0, NoState},
    {"pclmul", L1C, 1, NoState},
    {"ssse3", L1C, 9, NoState},
    {"fma", L1C, 12, AvxState},
    {"cx16", L1C, 13, NoState},
    {"sse4.1", L1C, 19, NoState},
    {"sse4.2", L1C, 20, NoState},
    {"crc32", L1C, 20, NoState},
    {"movbe", L1C, 22, NoState},
    {"popcnt", L1C, 23, NoState},
    {"aes", L1C, 25, NoState},
    {"xsave", L1C, 26, NoState},
    {"avx", L1C, 28, AvxState},
    {"f16c", L1C, 29, AvxState},
    {"rdrnd", L1C, 30, NoState},
    {"fsgsbase", L7B, 0, NoState},
    {"bmi", L7B, 3, NoState},
    {"avx2", L7B, 5, AvxState},
    {"bmi2", L7B, 8, NoState},
    {"invpcid", L7B, 10, NoState},
    {"avx512f", L7B, 16, Avx512State},
    {"evex512", L7B, 16, Avx512State},
    {"avx512dq", L7B, 17, Avx512State},
    {"rdseed", L7B, 18, NoState},
    {"adx", L7B, 19, NoState},
    {"avx512ifma", L7B, 21, Avx512State},
    {"clflushopt", L7B, 23, NoState},
    {"clwb", L7B, 24, NoState},
    {"avx512cd", L7B, 28, Avx512State},
    {"sha", L7B, 29, NoState},
    {"avx512bw", L7B, 30, Avx512State},
    {"avx512vl", L7B, 31, Avx512State},
    {"avx512vbmi", L7C, 1, Avx512State},
    {"pku", L7C, 3, NoState},
    {"avx512vbmi2", L7C, 6, Avx512State},
    {"gfni", L7C, 8, NoState},
    {"vaes", L7C, 9, AvxState},
    {"vpclmulqdq", L7C, 10, AvxState},
    {"avx512vnni", L7C, 11, Avx512State},
    {"avx512bitalg", L7C, 12, Avx512State},
    {"avx512vpopcntdq", L7C, 14, Avx512State},
    {"rdpid", L7C, 22, NoState},
    {"movdiri", L7C, 27, NoState},
    {"movdir64b", L7C, 28, NoState},
    {"avx512vp2intersect", L7D, 8, Avx512State},
    {"serialize", L7D, 14, NoState},
    {"amx-bf16", L7D, 22, AmxState},
    {"avx512fp16", L7D, 23, Avx512State},
    {"amx-tile", L7D, 24, AmxState},
    {"amx-int8", L7D, 25, AmxState},
    {"avxvnni", L7S1A, 4, AvxState},
    {"avx512bf16", L7S1A, 5, Avx512State},
    {"avxifma", L7S1A, 23, AvxState},
    {"sahf", LE1C, 0, NoState},
    {"lzcnt", LE1C, 5, NoState},
    {"sse4a", LE1C, 6, NoState},
    {"prfchw", LE1C, 8, NoState},
    {"xop", LE1C, 11, AvxState},
    {"fma4", LE1C, 16, AvxState},
    {"tbm", LE1C, 21, NoState},
    {"mwaitx", LE1C, 29, NoState},
    {"xsaveopt", LD1A, 0, NoState},
    {"xsavec", LD1A, 1, NoState},
    {"xsaves", LD1A, 3, NoState},
};

struct HostBits {
  uint32_t words[Words] = {};
  bool state[4] = {true, false, false, false};
};

HostBits readHost() {
  HostBits host;
  host.words[Always] = ~0u;
  unsigned a, b, c, d;
  unsigned maxLeaf = __get_cpuid_max(0, nullptr);
  if (maxLeaf >= 1 && __get_cpuid(1, &a, &b, &c, &d)) {
    host.words[L1C] = c;
    host.words[L1D] = d;
  }
  if (maxLeaf >= 7 && __get_cpuid_count(7, 0, &a, &b, &c, &d)) {
    host.words[L7B] = b;
    host.words[L7C] = c;
    host.words[L7D] = d;
    if (a >= 1 && __get_cpuid_count(7, 1, &a, &b, &c, &d))
      host.words[L7S1A] = a;
  }
  if (maxLeaf >= 0xD && __get_cpuid_count(0xD, 1, &a, &b, &c, &d))
    host.words[LD1A] = a;
  if (__get_cpuid_max(0x80000000u, nullptr) >= 0x80000001u &&
      __get_cpuid(0x80000001u, &a, &b, &c, &d))
    host.words[LE1C] = c;
  // OSXSAVE: the OS enables XGETBV and reports what it saves in XCR0.
  if (host.words[L1C] & (1u << 27)) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    uint64_t xcr0 = (uint64_t(hi) << 32) | lo;
    host.state[AvxState] = (xcr0 & 0x6) == 0x6;
    host.state[Avx512State] = (xcr0 & 0xE6) == 0xE6;
    host.state[AmxState] = (xcr0 & 0x60006) == 0x60006;
  }
  return host;
}

bool present(const HostBits &host, const FeatureBit &feature) {
  return (host.words[feature.word] >> feature.bit & 1) &&
         host.state[feature.state];
}

#elif defined(__aarch64__)

enum : uint8_t { Always, Hwcap, Hwcap2, Words };

// Bit numbers of the Linux AT_HWCAP / AT_HWCAP2 words (asm/hwcap.h).
const FeatureBit features[] = {
    {"neon", Hwcap, 1, 0},      {"fp-armv8", Hwcap, 0, 0},
    {"aes", Hwcap, 3, 0},       {"sha2", Hwcap, 6, 0},
    {"crc", Hwcap, 7, 0},       {"lse", Hwcap, 8, 0},
    {"fullfp16", Hwcap, 10, 0}, {"rdm", Hwcap, 12, 0},
    {"jsconv", Hwcap, 13, 0},   {"complxnum", Hwcap, 14, 0},
    {"rcpc", Hwcap, 15, 0},     {"ccpp", Hwcap, 16, 0},
    {"sha3", Hwcap, 17, 0},     {"dotprod", Hwcap, 20, 0},
    {"sve", Hwcap, 22, 0},      {"fp16fml", Hwcap, 23, 0},
    {"sve2", Hwcap2, 1, 0},     {"i8mm", Hwcap2, 13, 0},
    {"bf16", Hwcap2, 14, 0},
};

struct HostBits {
  uint64_t words[Words] = {};
};

HostBits readHost() {
  HostBits host;
  host.words[Always] = ~0ull;
  host.words[Hwcap] = getauxval(AT_HWCAP);
  host.words[Hwcap2] = getauxval(AT_HWCAP2);
  return host;
}

bool present(const HostBits &host, const FeatureBit &feature) {
  return host.words[feature.word] >> feature.bit & 1;
}

#else

const FeatureBit features[] = {{"", 0, 0, 0}};
struct HostBits {};
HostBits readHost() { return {}; }
bool present(const HostBits &, const FeatureBit &) { return false; }

#endif

const HostBits &host() {
  static const HostBits bits = readHost();
  return bits;
}

std::string_view architectureOf(std::string_view triple) {
  return triple.substr(0, triple.find('-'));
}

} // namespace

const char *liquid::runtime::hostArchitecture() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#else
  return "unknown";
#endif
}

bool liquid::runtime::tripleMatchesHost(std::string_view triple) {
  std::string_view arch = architectureOf(triple);
#if defined(__x86_64__)
  return arch == "x86_64" || arch == "amd64";
#elif defined(__aarch64__)
  return arch == "aarch64" || arch == "arm64";
#else
  (void)arch;
  return false;
#endif
}

Feature liquid::runtime::hostFeature(std::string_view name) {
  for (const FeatureBit &feature : features)
    if (*feature.name && name == feature.name)
      return present(host(), feature) ? Feature::Present : Feature::Missing;
  return Feature::Unknown;
}

bool liquid::runtime::targetRunsHere(const lqm::Target &target,
                                     std::string &why) {
  std::string_view triple = target.triple()->string_view();
  if (!tripleMatchesHost(triple)) {
    why = "compiled for " + std::string(triple) + ", this machine is " +
          hostArchitecture();
    return false;
  }
  std::string_view list =
      target.features() ? target.features()->string_view() : "";
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view name = list.substr(0, comma);
    list = comma == std::string_view::npos ? "" : list.substr(comma + 1);
    while (!name.empty() && name.front() == ' ')
      name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ')
      name.remove_suffix(1);
    // "-feature" says the code does not use it: nothing to require.
    if (name.empty() || name.front() == '-')
      continue;
    if (name.front() == '+')
      name.remove_prefix(1);
    Feature feature = hostFeature(name);
    if (feature == Feature::Present)
      continue;
    why = "target " + std::string(triple);
    if (target.cpu() && target.cpu()->size())
      why += " (cpu " + target.cpu()->str() + ")";
    why += feature == Feature::Unknown
               ? " requires unknown CPU feature '" + std::string(name) + "'"
               : " needs CPU feature '" + std::string(name) +
                     "', which this machine lacks";
    return false;
  }
  return true;
}

lq_status liquid::runtime::selectTarget(const ArtifactView &view,
                                        const char *name,
                                        const lqm::Target *&out) {
  out = nullptr;
  std::string archWhy, featureWhy;
  for (const lqm::Target *target : *view.artifact->targets()) {
    std::string why;
    if (targetRunsHere(*target, why)) {
      out = target;
      return LQ_OK;
    }
    bool archMatches = tripleMatchesHost(target->triple()->string_view());
    std::string &slot = archMatches ? featureWhy : archWhy;
    if (slot.empty())
      slot = why;
  }
  return fail(LQ_ERROR_TARGET, "%s: %s", name,
              (featureWhy.empty() ? archWhy : featureWhy).c_str());
}
