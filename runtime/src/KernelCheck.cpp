//===- KernelCheck.cpp - The schedule against what the code touches -------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements loadKernels. The bytes a dispatch gives a binding
// are what a session allocates for it: the entry's tokens, the rows of
// logits it writes, a state buffer's size, a weight's segment, a scratch
// range. A kernel may be given more than it touches, never less; a buffer
// it writes is never a weight (mapped read-only) nor the tokens (the
// caller's const array); it must run as many workgroups as it was split
// into, read no more constants than the entry passes, and index tokens and
// positions below the vocabulary and context the table says (the runtime
// checks ids and positions against the table's numbers).
//
//===----------------------------------------------------------------------===//

#include "KernelCheck.h"

#include "Status.h"
#include "liquid/format.h"

#include <string>

using namespace liquid::runtime;
namespace lqm = liquid::lqm;

using ull = unsigned long long;

namespace {

struct Signature {
  const char *symbol;
  const int64_t *words;
};

/// The bytes `binding` gives its kernel in a call of `entry`.
uint64_t boundBytes(const lqm::Artifact &artifact, const lqm::EntryPoint &entry,
                    const lqm::Binding &binding) {
  switch (binding.kind()) {
  case lqm::BindingKind_Tokens:
    return uint64_t(entry.tokens()) * 4;
  case lqm::BindingKind_Logits:
    return uint64_t(entry.logit_rows() ? entry.logit_rows() : entry.tokens()) *
           artifact.model()->vocab_size() * 4;
  case lqm::BindingKind_State:
    return artifact.state()->Get(binding.index())->size();
  case lqm::BindingKind_Weight:
    return artifact.weights()->Get(binding.index())->data()->size();
  case lqm::BindingKind_Scratch:
    return binding.size();
  }
  return 0;
}

lq_status mismatch(const char *name, const lqm::EntryPoint &entry,
                   unsigned dispatch, const char *symbol, const char *why) {
  return fail(LQ_ERROR_INVALID_ARTIFACT,
              "%s: invalid artifact: entry point '%s' dispatch %u (%s): %s",
              name, entry.name()->c_str(), dispatch, symbol, why);
}

lq_status checkDispatch(const lqm::Artifact &artifact,
                        const lqm::EntryPoint &entry, unsigned d,
                        const Signature &kernel, const char *name) {
  const lqm::Dispatch &dispatch = *entry.dispatches()->Get(d);
  const int64_t *sig = kernel.words;
  char why[200];
  uint32_t bindings = dispatch.bindings() ? dispatch.bindings()->size() : 0;
  if (int64_t(bindings) != sig[LQM_SIGNATURE_BINDINGS]) {
    snprintf(why, sizeof(why), "binds %u buffers, the kernel takes %lld",
             bindings, (long long)sig[LQM_SIGNATURE_BINDINGS]);
    return mismatch(name, entry, d, kernel.symbol, why);
  }
  if (int64_t(dispatch.workgroups()) != sig[LQM_SIGNATURE_WORKGROUPS]) {
    snprintf(why, sizeof(why), "runs %u workgroups, the kernel is split into "
             "%lld", dispatch.workgroups(), (long long)sig[LQM_SIGNATURE_WORKGROUPS]);
    return mismatch(name, entry, d, kernel.symbol, why);
  }
  uint32_t constants = entry.constants() ? entry.constants()->size() : 0;
  if (sig[LQM_SIGNATURE_CONSTANTS] > int64_t(constants ? constants : 1)) {
    snprintf(why, sizeof(why), "the kernel reads %lld constants, the entry "
             "passes %u", (long long)sig[LQM_SIGNATURE_CONSTANTS], constants);
    return mismatch(name, entry, d, kernel.symbol, why);
  }
  for (uint32_t b = 0; b < bindings; ++b) {
    const lqm::Binding &binding = *dispatch.bindings()->Get(b);
    uint64_t given = boundBytes(artifact, entry, binding);
    int64_t touched = sig[LQM_SIGNATURE_BYTES + b];
    if (touched < 0 || uint64_t(touched) > given) {
      snprintf(why, sizeof(why), "binding %u holds %llu bytes, the kernel "
               "touches %lld", b, ull(given), (long long)touched);
      return mismatch(name, entry, d, kernel.symbol, why);
    }
    bool readOnly = binding.kind() == lqm::BindingKind_Weight ||
                    binding.kind() == lqm::BindingKind_Tokens;
    if (readOnly && sig[lqm_signature_writes(bindings, b)] != 0) {
      snprintf(why, sizeof(why), "binding %u is %s, which is read-only; the "
               "kernel writes it", b,
               binding.kind() == lqm::BindingKind_Weight ? "a weight"
                                                         : "the tokens");
      return mismatch(name, entry, d, kernel.symbol, why);
    }
  }
  return LQ_OK;
}

} // namespace

lq_status liquid::runtime::loadKernels(const ArtifactView &view,
                                       const lqm::Target &target,
                                       const CodeObject &code, const char *name,
                                       std::vector<KernelFn> &kernels) {
  const lqm::Artifact &artifact = *view.artifact;
  std::vector<Signature> signatures;
  kernels.clear();
  if (const auto *list = target.kernels()) {
    kernels.reserve(list->size());
    signatures.reserve(list->size());
    for (const lqm::Kernel *kernel : *list) {
      const char *symbol = kernel->symbol()->c_str();
      void *address, *words;
      LQ_RETURN_IF_ERROR(code.lookup(symbol, name, address));
      std::string signature = std::string(symbol) + LQM_SIGNATURE_SUFFIX;
      LQ_RETURN_IF_ERROR(code.lookup(signature.c_str(), name, words));
      const auto *sig = static_cast<const int64_t *>(words);
      if (sig[LQM_SIGNATURE_VOCAB] != int64_t(artifact.model()->vocab_size()) ||
          sig[LQM_SIGNATURE_CONTEXT] != int64_t(artifact.max_context()))
        return fail(LQ_ERROR_INVALID_ARTIFACT,
                    "%s: invalid artifact: kernel %s was compiled for a "
                    "vocabulary of %lld and a context of %lld, the table "
                    "says %u and %u",
                    name, symbol, (long long)sig[LQM_SIGNATURE_VOCAB],
                    (long long)sig[LQM_SIGNATURE_CONTEXT],
                    artifact.model()->vocab_size(), artifact.max_context());
      kernels.push_back(reinterpret_cast<KernelFn>(address));
      signatures.push_back({symbol, sig});
    }
  }
  for (const lqm::EntryPoint *entry : *artifact.entry_points()) {
    if (!entry->dispatches())
      continue;
    for (unsigned d = 0; d < entry->dispatches()->size(); ++d)
      LQ_RETURN_IF_ERROR(checkDispatch(
          artifact, *entry, d,
          signatures[entry->dispatches()->Get(d)->kernel()], name));
  }
  return LQ_OK;
}
