//===- liquidc.cpp - The Liquid compiler driver ---------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// liquidc reads an LFM2 / LFM2-MoE checkpoint (a Hugging Face directory or a
// GGUF file) and emits the model at the requested phase. Phases are ordered
// like Toy's -emit= and IREE's compile-to: each is a point where the IR can
// be printed and tested (liquid/Pipelines/Pipelines.h): `liquid` (the
// imported model), `linalg` (linalg on tensors), `llvm` (the LLVM dialect
// with the kernels), and by default `artifact`: the kernels compiled for the
// chosen CPU, linked in-process into a shared object, and written with the
// weights and the schedule as one .lqm file.
//
//===----------------------------------------------------------------------===//

#include "liquid/Artifact/ArtifactWriter.h"
#include "liquid/Dialect/Liquid/LiquidOps.h"
#include "liquid/Import/Checkpoint.h"
#include "liquid/Import/ImportModel.h"
#include "liquid/InitAll.h"
#include "liquid/Pipelines/Pipelines.h"
#include "liquid/Support/OutputFile.h"
#include "liquid/Target/CPU/ObjectCode.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <fcntl.h>
#include <unistd.h>

namespace cl = llvm::cl;

using liquid::Phase;

namespace {

cl::OptionCategory category("liquidc options");
cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                               cl::desc("<checkpoint: HF directory or .gguf>"),
                               cl::cat(category));
cl::opt<std::string> outputPath("o", cl::desc("Output file (default stdout)"),
                                cl::value_desc("file"), cl::init("-"),
                                cl::cat(category));
cl::opt<Phase> compileTo(
    "compile-to", cl::desc("Stop after this phase and print its output"),
    cl::values(clEnumValN(Phase::Liquid, "liquid",
                          "the imported model in the liquid dialect"),
               clEnumValN(Phase::Dispatches, "dispatches",
                          "host schedules launching kernels (still liquid)"),
               clEnumValN(Phase::Linalg, "linalg",
                          "the kernels in linalg on tensors"),
               clEnumValN(Phase::Vector, "vector",
                          "the kernels tiled and vectorized"),
               clEnumValN(Phase::LLVM, "llvm",
                          "the LLVM dialect with the kernel entry points"),
               clEnumValN(Phase::Artifact, "artifact",
                          "the .lqm artifact (default; needs -o)")),
    cl::init(Phase::Artifact), cl::cat(category));
cl::opt<std::string> cpu("cpu",
                         cl::desc("CPU to generate code for: native (default) "
                                  "or an LLVM CPU name (x86-64-v3, znver4, ...)"),
                         cl::init("native"), cl::cat(category));
cl::opt<int64_t> maxContext("max-context",
                            cl::desc("KV cache capacity in tokens"),
                            cl::init(4096), cl::cat(category));
cl::opt<int64_t> prefillChunk(
    "prefill-chunk",
    cl::desc("Tokens per compiled prefill call (default 128, at most "
             "--max-context)"),
    cl::init(128), cl::cat(category));
cl::list<int64_t> smallChunks(
    "prefill-small-chunk",
    cl::desc("Tokens of the smaller prefill chunks for prompt tails, "
             "comma-separated (default 16,4; 0 or >= --prefill-chunk: none)"),
    cl::CommaSeparated, cl::cat(category));
} // namespace

static int fail(llvm::Error error) {
  llvm::WithColor::error(llvm::errs(), "liquidc")
      << llvm::toString(std::move(error)) << "\n";
  return 1;
}

/// Code generation and the .lqm file, with progress on stderr.
/// Writes the artifact at `path` to disk and drops it from the page cache.
/// Written pages sit in the cache in small folios, and a process mapping
/// them pays a page-table entry per 4 KiB on first touch (350m Q4_0: about
/// 80 ms). Read back through the runtime's huge-page-advised mapping, the
/// file lands in the cache in large folios that map a few at a time (about
/// 3 ms). A hint: where it fails, the artifact is only slower to map.
static void dropFromPageCache(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  if (::fdatasync(fd) == 0)
    (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
}

/// Writes `path` ("-": stdout) whole or not at all: an unnamed temporary
/// file renamed into place, nothing left behind on an error, a signal or a
/// full disk; written through a symbolic link, in place for a device
/// (liquid/Support/OutputFile.h).
static llvm::Error
writeOutput(const std::string &path,
            llvm::function_ref<llvm::Error(llvm::raw_ostream &)> write) {
  if (path == "-")
    return write(llvm::outs());
  liquid::OutputFile file;
  std::string error;
  if (!file.open(path, error))
    return llvm::createStringError(error);
  llvm::raw_fd_ostream os(file.fd(), /*shouldClose=*/false);
  if (llvm::Error e = write(os))
    return llvm::createStringError(path + ": " + llvm::toString(std::move(e)));
  os.flush();
  if (os.has_error()) {
    std::string why = os.error().message();
    os.clear_error();
    return llvm::createStringError(path + ": cannot write output file: " + why);
  }
  if (!file.commit(error))
    return llvm::createStringError(error);
  return llvm::Error::success();
}

static int emitArtifact(const liquid::Checkpoint &checkpoint,
                         mlir::ModuleOp module,
                         const liquid::CPUTarget &target) {
  // Copied first: LLD resets every command-line option when it runs.
  std::string output = outputPath;
  llvm::TimeRecord start = llvm::TimeRecord::getCurrentTime();
  auto kernels = module.lookupSymbol<mlir::ModuleOp>("kernels");
  if (!kernels)
    return fail(llvm::createStringError("the compiled module has no kernels"));
  auto code = liquid::emitSharedObject(kernels, target);
  if (!code)
    return fail(code.takeError());
  double seconds =
      llvm::TimeRecord::getCurrentTime().getWallTime() - start.getWallTime();
  llvm::errs() << llvm::format("liquidc: code for %s (%s): %zu bytes in %.2f s\n",
                               target.cpu.c_str(), target.triple.c_str(),
                               code->size(), seconds);
  liquid::ArtifactParts parts;
  parts.checkpoint = &checkpoint;
  parts.module = module;
  parts.target = target;
  parts.code = std::move(*code);
  if (llvm::Error error =
          writeOutput(output, [&](llvm::raw_ostream &os) -> llvm::Error {
            return liquid::writeArtifact(parts, os);
          }))
    return fail(std::move(error));
  if (output != "-")
    dropFromPageCache(output);
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  // Registered first: --mlir-print-ir-after=<pass> looks the names up.
  liquid::registerLiquidPasses();
  mlir::registerPassManagerCLOptions();
  // libLLVM registers hundreds of backend options; --help shows ours.
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "Liquid compiler\n\n"
      "  liquidc CKPT -o model.lqm [--cpu=CPU] [--max-context=N]\n"
      "  liquidc CKPT --compile-to=liquid|dispatches|linalg|vector|llvm [-o FILE]\n\n"
      "CKPT is a Hugging Face directory or a GGUF file (lfm2, lfm2moe). MLIR's\n"
      "printing options (--mlir-print-ir-after=<pass>, --mlir-print-debuginfo,\n"
      "...) apply too; --help-hidden lists them.\n");

  if (compileTo == Phase::Artifact && outputPath == "-")
    return fail(llvm::createStringError(
        "an artifact needs an output file: pass -o FILE.lqm"));
  auto target = liquid::resolveCPUTarget(cpu);
  if (!target)
    return fail(target.takeError());
  auto checkpoint = liquid::readCheckpoint(inputPath);
  if (!checkpoint)
    return fail(checkpoint.takeError());

  mlir::DialectRegistry registry;
  liquid::registerLiquidDialects(registry);
  mlir::MLIRContext context(registry);
  liquid::ImportOptions options;
  options.maxContext = maxContext;
  options.prefillChunk = prefillChunk.getNumOccurrences()
                             ? prefillChunk
                             : std::min<int64_t>(prefillChunk, maxContext);
  if (smallChunks.getNumOccurrences())
    options.smallChunks.assign(smallChunks.begin(), smallChunks.end());
  auto module = liquid::importModel(context, **checkpoint, options);
  if (!module)
    return fail(module.takeError());
  // What every code generation decision reads (#liquid.target).
  (**module)->setAttr("liquid.target",
                     mlir::liquid::TargetAttr::get(
                         &context, target->triple, target->cpu,
                         target->requiredFeatures, target->vectorBits,
                         target->vectorRegisters));

  mlir::PassManager pm(&context);
  if (mlir::failed(mlir::applyPassManagerCLOptions(pm)))
    return fail(llvm::createStringError("invalid pass manager options"));
  liquid::buildPipeline(pm, compileTo);
  if (mlir::failed(pm.run(**module)))
    return fail(llvm::createStringError(
        inputPath + ": compilation failed (diagnostics above)"));
  if (compileTo == Phase::Artifact)
    return emitArtifact(**checkpoint, **module, *target);

  if (llvm::Error error =
          writeOutput(outputPath, [&](llvm::raw_ostream &os) -> llvm::Error {
            (*module)->print(os,
                             mlir::OpPrintingFlags().printNameLocAsPrefix());
            os << "\n";
            return llvm::Error::success();
          }))
    return fail(std::move(error));
  return 0;
}
