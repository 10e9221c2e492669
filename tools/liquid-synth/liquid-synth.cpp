//===- liquid-synth.cpp - Write random-weight LFM2 checkpoints ------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Command-line front end of lib/Synth: writes a preset's checkpoint with
// random weights and the real shapes, names and metadata, as an HF
// directory or a GGUF file, e.g.
//   liquid-synth --preset tiny --format gguf --dtype q8_0 -o tiny.gguf
// Errors read "liquid-synth: error: <file>: <what>: <why>" and exit 1.
//
//===----------------------------------------------------------------------===//

#include "liquid/Import/GGUFReader.h"
#include "liquid/Import/Tokenizer.h"
#include "liquid/Synth/Presets.h"
#include "liquid/Synth/Quantize.h"
#include "liquid/Synth/Synth.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace liquid;
using namespace liquid::synth;
namespace cl = llvm::cl;

static cl::OptionCategory category("liquid-synth options");

static cl::opt<std::string>
    presetArg("preset", cl::desc("Model shape (see --list-presets)"),
               cl::value_desc("name"), cl::cat(category));
static cl::opt<std::string>
    formatArg("format",
               cl::desc("Checkpoint format: hf (a directory) or gguf (a "
                        "file); default: gguf if -o ends in .gguf, else hf"),
               cl::value_desc("hf|gguf"), cl::cat(category));
static cl::opt<std::string>
    dtypeArg("dtype",
              cl::desc("Weight type: f32, f16, bf16, or for gguf also q8_0, "
                       "q4_0, q4_K, q5_K, q6_K (default f32)"),
              cl::value_desc("type"), cl::init("f32"), cl::cat(category));
static cl::opt<uint64_t> seed("seed",
                              cl::desc("Random seed (default 0); the same "
                                       "seed gives the same values in "
                                       "both formats"),
                              cl::init(0), cl::cat(category));
static cl::opt<std::string>
    outputPath("o", cl::desc("Output: a directory for hf, a file for gguf"),
               cl::value_desc("path"), cl::cat(category));
static cl::opt<bool> listPresets("list-presets",
                                 cl::desc("List the presets and exit"),
                                 cl::cat(category));
static cl::opt<uint64_t> maxShardSize(
    "max-shard-size",
    cl::desc("hf: most tensor bytes per .safetensors file before the "
             "checkpoint is sharded (default 2 GiB)"),
    cl::value_desc("bytes"), cl::init(uint64_t(2) << 30), cl::cat(category));
static cl::opt<bool> quiet("quiet",
                           cl::desc("No progress lines for large outputs"),
                           cl::cat(category));

static cl::opt<std::string> vocabFrom(
    "vocab-from",
    cl::desc("Take the vocabulary (tokens, types, merges, special ids) from "
             "this GGUF file, e.g. llama.cpp's models/ggml-vocab-*.gguf "
             "(GGUF output only)"),
    cl::value_desc("file.gguf"), cl::cat(category));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "liquid-synth") << message << "\n";
  return 1;
}

static std::string presetNames() {
  std::vector<std::string> names;
  for (const Preset &p : allPresets())
    names.push_back(p.name);
  return llvm::join(names, ", ");
}

static void printPresets() {
  llvm::outs() << llvm::format("%-9s %-8s %6s %6s %8s  %s\n", "preset", "arch",
                               "layers", "hidden", "params", "description");
  for (const Preset &p : allPresets()) {
    double params = static_cast<double>(parameterCount(p.config));
    std::string size =
        params >= 1e9
            ? (llvm::formatv("{0:F2}B", params / 1e9)).str()
            : (llvm::formatv("{0:F1}M", params / 1e6)).str();
    llvm::outs() << llvm::format("%-9s %-8s %6lld %6lld %8s  %s\n",
                                 p.name.c_str(), p.config.archName(),
                                 (long long)p.config.numLayers(),
                                 (long long)p.config.hiddenSize, size.c_str(),
                                 p.description.c_str());
  }
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "liquid-synth: write random-weight LFM2 / LFM2-MoE checkpoints with "
      "the real shapes, names and metadata\n");

  if (listPresets) {
    printPresets();
    return 0;
  }
  if (presetArg.empty())
    return fail("--preset: missing: expected one of " + presetNames());
  const Preset *preset = findPreset(presetArg);
  if (!preset)
    return fail("--preset=" + presetArg + ": unknown preset: expected one of " +
                presetNames());
  if (outputPath.empty())
    return fail("-o: missing: give the output directory (hf) or file (gguf)");

  SynthOptions options;
  options.preset = preset;
  std::string format = formatArg;
  if (format.empty())
    format = llvm::StringRef(outputPath).ends_with(".gguf") ? "gguf" : "hf";
  if (format == "hf")
    options.format = CheckpointFormat::HF;
  else if (format == "gguf")
    options.format = CheckpointFormat::GGUF;
  else
    return fail("--format=" + format + ": unknown format: expected hf or gguf");
  std::optional<DType> dtype = parseDType(dtypeArg);
  if (!dtype)
    return fail("--dtype=" + dtypeArg +
                ": unknown type: expected f32, f16, bf16, q8_0, q4_0, q4_K, "
                "q5_K or q6_K");
  if (options.format == CheckpointFormat::HF && isBlockType(*dtype))
    return fail("--dtype=" + dtypeArg +
                ": not an HF type: HF checkpoints hold f32, f16 or bf16; " +
                dtypeArg + " needs --format gguf");
  if (maxShardSize == 0)
    return fail("--max-shard-size=0: invalid size: expected a positive number "
                "of bytes");
  options.dtype = *dtype;
  options.seed = seed;
  options.output = outputPath;
  // "out/" and "out" name the same directory; keep the name without slashes.
  while (options.output.size() > 1 && options.output.back() == '/')
    options.output.pop_back();
  options.maxShardBytes = maxShardSize;
  options.progress = !quiet;

  // Another vocabulary: the preset's sizes with its token count and ids.
  Preset withVocabulary;
  SynthTokenizer vocabulary;
  if (!vocabFrom.empty()) {
    auto file = GGUFFile::open(vocabFrom);
    if (!file)
      return fail(llvm::toString(file.takeError()));
    auto tok = readGGUFTokenizer(**file, INT64_MAX);
    if (!tok)
      return fail(llvm::toString(tok.takeError()));
    if (!*tok)
      return fail(vocabFrom + ": no tokenizer.ggml.tokens: not a vocabulary");
    vocabulary.tokens = (*tok)->tokens;
    for (gguf::TokenType t : (*tok)->kinds)
      vocabulary.tokenTypes.push_back(static_cast<int32_t>(t));
    for (const auto &[left, right] : (*tok)->merges)
      vocabulary.merges.push_back(left + " " + right);
    withVocabulary = *preset;
    ModelConfig &c = withVocabulary.config;
    c.vocabSize = static_cast<int64_t>(vocabulary.tokens.size());
    c.bosTokenId = std::max<int64_t>((*tok)->bosId, 0);
    c.eosTokenId = std::max<int64_t>((*tok)->eosId, 0);
    c.padTokenId = std::max<int64_t>((*tok)->padId, 0);
    options.preset = &withVocabulary;
    options.vocabulary = &vocabulary;
  }

  if (llvm::Error err = writeCheckpoint(options))
    return fail(llvm::toString(std::move(err)));
  return 0;
}
