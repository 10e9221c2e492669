//===- liquid-inspect.cpp - What is inside a .lqm artifact ----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Prints an artifact's model metadata, targets (and whether each runs on
// this machine), sections and sizes, schedule and memory plan. The file
// goes through the runtime's own mapping and verification (src/Artifact.h)
// before any field is read, so an artifact the runtime refuses is refused
// here with the same message; an artifact for another machine is still
// shown. Errors read "liquid-inspect: error: <file>: <what>: <why>", exit 1.
//
//===----------------------------------------------------------------------===//

#include "Artifact.h"
#include "CommandLine.h"
#include "CpuFeatures.h"

#include <cstdio>
#include <cstring>
#include <map>
#include <string>

using namespace liquid::runtime;
using namespace liquid::tools;
namespace lqm = liquid::lqm;

namespace {

/// "1.5 MiB (1572864 bytes)"; below 1 KiB just "136 bytes".
std::string size(uint64_t bytes) {
  static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
  char text[96];
  if (bytes < 1024) {
    snprintf(text, sizeof(text), "%llu bytes", (unsigned long long)bytes);
    return text;
  }
  double value = double(bytes) / 1024;
  int unit = 0;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  snprintf(text, sizeof(text), "%.1f %s (%llu bytes)", value, units[unit],
           (unsigned long long)bytes);
  return text;
}

/// "1 buffer", "3 buffers".
std::string counted(unsigned n, const char *noun, const char *plural = "") {
  std::string many = *plural ? plural : std::string(noun) + "s";
  return std::to_string(n) + " " + (n == 1 ? std::string(noun) : many);
}

const char *str(const flatbuffers::String *s) { return s ? s->c_str() : ""; }

template <typename T> uint32_t count(const flatbuffers::Vector<T> *v) {
  return v ? v->size() : 0;
}

void printModel(const lqm::Artifact &artifact) {
  const lqm::Model &m = *artifact.model();
  printf("model\n");
  printf("  architecture: %s\n", str(m.architecture()));
  printf("  hidden size: %u, intermediate size: %u\n", m.hidden_size(),
         m.intermediate_size());
  unsigned conv = 0, attention = 0, moe = 0;
  std::string kinds;
  for (uint32_t i = 0; i < count(m.layers()); ++i) {
    const lqm::Layer &layer = *m.layers()->Get(i);
    bool isConv = layer.kind() == lqm::LayerKind_Conv;
    conv += isConv;
    attention += !isConv;
    moe += layer.moe();
    kinds += (i ? ", " : "") + std::to_string(i) +
             (isConv ? " conv" : " attention") + (layer.moe() ? "+moe" : "");
  }
  printf("  layers: %u (%u conv, %u attention", count(m.layers()), conv,
         attention);
  if (moe)
    printf(", %u with experts", moe);
  printf(")\n    %s\n", kinds.c_str());
  printf("  vocab: %u (bos %d, eos %d)\n", m.vocab_size(), m.bos_token_id(),
         m.eos_token_id());
  printf("  heads: %u, kv heads: %u, head dim: %u, conv kernel: %u\n",
         m.num_heads(), m.num_kv_heads(), m.head_dim(), m.conv_kernel());
  if (m.num_experts())
    printf("  experts: %u, %u per token\n", m.num_experts(),
           m.experts_per_token());
  else
    printf("  experts: none (dense)\n");
  printf("  norm eps: %g, rope theta: %g\n", double(m.norm_eps()),
         double(m.rope_theta()));
  printf("  source: %s %s, hash %016llx\n", str(m.source_format()),
         str(m.source_name()), (unsigned long long)m.source_hash());
  printf("  compiler: %s\n", str(m.compiler_version()));
  printf("  max context: %u tokens\n", artifact.max_context());
  if (const lqm::SamplerDefaults *s = artifact.sampler())
    printf("  sampler defaults: temperature %g, top-k %u, top-p %g\n",
           double(s->temperature()), s->top_k(), double(s->top_p()));
}

void printTargets(const lqm::Artifact &artifact) {
  printf("\ntargets\n");
  for (uint32_t i = 0; i < artifact.targets()->size(); ++i) {
    const lqm::Target &t = *artifact.targets()->Get(i);
    std::string why;
    bool runs = targetRunsHere(t, why);
    printf("  %u: %s, cpu %s, features %s\n", i, str(t.triple()),
           *str(t.cpu()) ? str(t.cpu()) : "(default)",
           *str(t.features()) ? str(t.features()) : "(none)");
    printf("     runs here: %s\n", runs ? "yes" : ("no: " + why).c_str());
    printf("     code: %s at data offset %llu, %s\n",
           size(t.code()->size()).c_str(),
           (unsigned long long)t.code()->offset(),
           counted(count(t.kernels()), "kernel").c_str());
    for (uint32_t k = 0; k < count(t.kernels()); ++k)
      printf("       %u %s\n", k, t.kernels()->Get(k)->symbol()->c_str());
  }
}

void printSections(const ArtifactView &view) {
  const lqm::Artifact &artifact = *view.artifact;
  uint64_t code = 0, weights = 0;
  for (const lqm::Target *t : *artifact.targets())
    code += t->code()->size();
  for (uint32_t i = 0; i < count(artifact.weights()); ++i)
    weights += artifact.weights()->Get(i)->data()->size();
  printf("\nsections\n");
  printf("  artifact table: %s\n", size(view.tableSize).c_str());
  printf("  code: %s in %s\n", size(code).c_str(),
         counted(artifact.targets()->size(), "target").c_str());
  printf("  weights: %s in %s\n", size(weights).c_str(),
         counted(count(artifact.weights()), "segment").c_str());
  // Per layout: as the checkpoint stores them, or as the compiler packed
  // them for their kernels.
  std::map<std::string, std::pair<unsigned, uint64_t>> layouts;
  for (uint32_t i = 0; i < count(artifact.weights()); ++i) {
    const lqm::Weight &w = *artifact.weights()->Get(i);
    auto &entry = layouts[w.layout() ? w.layout()->str() : "checkpoint layout"];
    ++entry.first;
    entry.second += w.data()->size();
  }
  for (const auto &[layout, entry] : layouts)
    printf("    %s: %s, %s\n", layout.c_str(),
           counted(entry.first, "tensor").c_str(), size(entry.second).c_str());
  printf("  file: %s, data base at byte %llu\n", size(view.fileSize).c_str(),
         (unsigned long long)view.dataBase);
}

std::string binding(const lqm::Artifact &artifact, const lqm::Binding &b) {
  char text[64];
  switch (b.kind()) {
  case lqm::BindingKind_Tokens:
    return "tokens";
  case lqm::BindingKind_Logits:
    return "logits";
  case lqm::BindingKind_State:
    return std::string("state ") +
           artifact.state()->Get(b.index())->name()->c_str();
  case lqm::BindingKind_Weight: {
    const lqm::Weight &w = *artifact.weights()->Get(b.index());
    std::string text = std::string("weight ") + w.name()->c_str();
    if (w.layout())
      text += std::string(" in ") + w.layout()->c_str();
    return text;
  }
  case lqm::BindingKind_Scratch:
    snprintf(text, sizeof(text), "scratch [%llu, +%llu)",
             (unsigned long long)b.offset(), (unsigned long long)b.size());
    return text;
  }
  return "?";
}

void printSchedule(const lqm::Artifact &artifact) {
  printf("\nschedule (kernel names of target 0)\n");
  const lqm::Target &target = *artifact.targets()->Get(0);
  for (const lqm::EntryPoint *entry : *artifact.entry_points()) {
    printf(
        "  %s: %s, %s\n", entry->name()->c_str(),
        counted(entry->tokens(), "token").c_str(),
        counted(count(entry->dispatches()), "dispatch", "dispatches").c_str());
    for (uint32_t d = 0; d < count(entry->dispatches()); ++d) {
      const lqm::Dispatch &dispatch = *entry->dispatches()->Get(d);
      std::string bindings;
      for (uint32_t b = 0; b < count(dispatch.bindings()); ++b)
        bindings +=
            (b ? ", " : "") + binding(artifact, *dispatch.bindings()->Get(b));
      printf("    %u %s x%u: %s\n", d,
             target.kernels()->Get(dispatch.kernel())->symbol()->c_str(),
             dispatch.workgroups(), bindings.c_str());
    }
  }
}

void printMemoryPlan(const ArtifactView &view) {
  const lqm::Artifact &artifact = *view.artifact;
  uint64_t weights = 0, conv = 0, kv = 0, other = 0;
  unsigned convCount = 0, kvCount = 0, otherCount = 0;
  for (uint32_t i = 0; i < count(artifact.weights()); ++i)
    weights += artifact.weights()->Get(i)->data()->size();
  for (uint32_t i = 0; i < count(artifact.state()); ++i) {
    const lqm::StateBuffer &s = *artifact.state()->Get(i);
    if (s.kind() == lqm::StateKind_Conv) {
      conv += s.size();
      ++convCount;
    } else if (s.kind() == lqm::StateKind_KeyCache ||
               s.kind() == lqm::StateKind_ValueCache) {
      kv += s.size();
      ++kvCount;
    } else {
      other += s.size();
      ++otherCount;
    }
  }
  uint64_t tokens = view.prefill->tokens();
  uint64_t io = tokens * 4 + (tokens + 1) * artifact.model()->vocab_size() * 4;
  uint64_t total = conv + kv + other + artifact.scratch_size() + io;
  printf("\nmemory plan\n");
  printf("  weights: %s (mapped, shared by all sessions)\n",
         size(weights).c_str());
  printf("  conv state: %s in %s\n", size(conv).c_str(),
         counted(convCount, "buffer").c_str());
  printf("  KV cache at max context %u: %s in %s\n", artifact.max_context(),
         size(kv).c_str(), counted(kvCount, "buffer").c_str());
  if (otherCount)
    printf("  other state: %s in %s\n", size(other).c_str(),
           counted(otherCount, "buffer").c_str());
  printf("  scratch: %s\n", size(artifact.scratch_size()).c_str());
  printf("  tokens and logits buffers: %s\n", size(io).c_str());
  printf("  total per session: %s\n", size(total).c_str());
}

} // namespace

int main(int argc, char **argv) {
  if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
    printf("usage: liquid-inspect ART\nPrints what is inside a compiled "
           "Liquid artifact: model, targets, sections, schedule, memory "
           "plan.\n");
    return 0;
  }
  if (argc != 2 || argv[1][0] == '-')
    return reportError("liquid-inspect",
                       argc < 2 ? "missing artifact: give a .lqm file"
                                : "expected exactly one artifact (see --help)");
  MappedFile file;
  ArtifactView view;
  if (openArtifact(argv[1], file, view) != LQ_OK)
    return reportError("liquid-inspect", lq_last_error());
  printf("artifact: %s, format version %u\n\n", argv[1],
         view.artifact->format_version());
  printModel(*view.artifact);
  printTargets(*view.artifact);
  printSections(view);
  printSchedule(*view.artifact);
  printMemoryPlan(view);
  return 0;
}
