//===- liquid-reference.cpp - Run the reference forward pass --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Command-line front end of lib/Reference: reads a checkpoint (HF directory
// or GGUF file), evaluates the prompt's token ids, then generates -n tokens
// greedily (the highest logit, ties to the lower id), each one evaluated
// through the one-token decode path before the next is chosen; it does not
// stop at EOS. Prints the generated ids on one line, comma-separated like
// --tokens, e.g.
//   liquid-reference tiny.gguf --tokens 1,739,585 -n 8
// --dump-logits FILE writes raw little-endian float32 logits, one row of
// vocab_size per evaluated position: the prompt's positions, then each decode
// step (the last generated token is not evaluated: prompt + n - 1 rows), as
// liquid-run's --dump-logits does. Errors read
// "liquid-reference: error: <file>: <what>: <why>" and exit 1.
//
//===----------------------------------------------------------------------===//

#include "liquid/Import/Checkpoint.h"
#include "liquid/Reference/Reference.h"
#include "liquid/Synth/Output.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/EndianStream.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace liquid;
namespace cl = llvm::cl;

static cl::OptionCategory category("liquid-reference options");

static cl::opt<std::string> checkpointPath(cl::Positional,
                                           cl::desc("<checkpoint>"),
                                           cl::cat(category));
static cl::opt<std::string>
    tokensArg("tokens", cl::desc("Prompt token ids, comma-separated"),
              cl::value_desc("id,id,..."), cl::cat(category));
static cl::opt<unsigned>
    numPredict("n",
               cl::desc("Tokens to generate greedily after the prompt "
                        "(default 8)"),
               cl::value_desc("N"), cl::init(8), cl::cat(category));
static cl::opt<bool> quantizeActivations(
    "quantize-activations",
    cl::desc("Quantize the input of every product with a Q8_0 / Q4_0 "
             "weight to int8 blocks of 32, as liquidc's int8 kernels do "
             "(default: f32 activations)"),
    cl::cat(category));
static cl::opt<std::string> dumpLogits(
    "dump-logits",
    cl::desc("Write the logits of every evaluated position as raw "
             "little-endian float32, one row of vocab_size each"),
    cl::value_desc("file"), cl::cat(category));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "liquid-reference") << message << "\n";
  return 1;
}

/// "1,2,3" to ids; an error names the bad entry.
static llvm::Expected<std::vector<int64_t>> parseTokens(llvm::StringRef text) {
  std::vector<int64_t> ids;
  llvm::SmallVector<llvm::StringRef> parts;
  text.split(parts, ',');
  for (llvm::StringRef part : parts) {
    int64_t id;
    if (part.trim().getAsInteger(10, id) || id < 0)
      return llvm::createStringError(
          "--tokens=" + text + ": invalid token id '" + part +
          "': expected comma-separated non-negative integers");
    ids.push_back(id);
  }
  return ids;
}

static int64_t argmax(const float *row, int64_t n) {
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i)
    if (row[i] > row[best])
      best = i;
  return best;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "liquid-reference: the plain-loop reference forward pass of LFM2 / "
      "LFM2-MoE; greedy continuation of a prompt of token ids\n");

  if (checkpointPath.empty())
    return fail("missing checkpoint: give an HF directory or a GGUF file");
  if (tokensArg.empty())
    return fail("--tokens: missing: give the prompt's token ids, e.g. "
                "--tokens 1,2,3");
  llvm::Expected<std::vector<int64_t>> prompt = parseTokens(tokensArg);
  if (!prompt)
    return fail(llvm::toString(prompt.takeError()));

  llvm::Expected<std::unique_ptr<Checkpoint>> ckpt =
      readCheckpoint(checkpointPath);
  if (!ckpt)
    return fail(llvm::toString(ckpt.takeError()));
  llvm::Expected<std::unique_ptr<reference::Model>> model =
      reference::Model::load(**ckpt, {quantizeActivations});
  if (!model)
    return fail(llvm::toString(model.takeError()));
  int64_t vocab = (*model)->config().vocabSize;

  std::unique_ptr<synth::AtomicFile> dump;
  if (!dumpLogits.empty()) {
    auto file = synth::AtomicFile::create(dumpLogits);
    if (!file)
      return fail(llvm::toString(file.takeError()));
    dump = std::move(*file);
  }
  auto write = [&](const std::vector<float> &logits) {
    if (!dump)
      return;
    llvm::support::endian::Writer writer(dump->os(),
                                         llvm::endianness::little);
    for (float v : logits)
      writer.write(v);
  };

  reference::Session session(**model);
  llvm::Expected<std::vector<float>> logits = session.eval(*prompt);
  if (!logits)
    return fail(llvm::toString(logits.takeError()));
  write(*logits);

  std::vector<int64_t> generated;
  for (unsigned i = 0; i < numPredict; ++i) {
    if (logits->empty())
      return fail("--tokens: empty prompt: nothing to continue");
    int64_t next = argmax(logits->data() + logits->size() - vocab, vocab);
    generated.push_back(next);
    if (i + 1 == numPredict)
      break;
    logits = session.eval({next});
    if (!logits)
      return fail(llvm::toString(logits.takeError()));
    write(*logits);
  }

  if (dump)
    if (llvm::Error err = dump->commit())
      return fail(llvm::toString(std::move(err)));
  llvm::outs() << llvm::join(llvm::map_range(generated,
                                             [](int64_t id) {
                                               return std::to_string(id);
                                             }),
                             ",")
               << "\n";
  return 0;
}
