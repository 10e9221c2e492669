//===- PreTokenizer.h - Split text into words before BPE --------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// LFM2's pre-tokenizer: Llama-3's split regex
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
//   ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// as a hand-written matcher over code points (no regex engine), taking the
// first alternative that matches at each position, as llama.cpp does.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_RUNTIME_PRETOKENIZER_H
#define LIQUID_RUNTIME_PRETOKENIZER_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace liquid::runtime {

/// Appends to `ends` the end index (exclusive) of each word of `cps`, in
/// order; the last is cps.size().
void splitLlama3(const std::vector<uint32_t> &cps, std::vector<size_t> &ends);

} // namespace liquid::runtime

#endif // LIQUID_RUNTIME_PRETOKENIZER_H
