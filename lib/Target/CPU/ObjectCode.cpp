//===- ObjectCode.cpp - LLVM dialect to a loadable shared object ----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements liquid/Target/CPU/ObjectCode.h: translation to LLVM
// IR, -O3, object emission through LLVM's code generator, and linking with
// LLD's ELF driver called in-process.
//
//===----------------------------------------------------------------------===//

#include "liquid/Target/CPU/ObjectCode.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "lld/Common/Driver.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

LLD_HAS_DRIVER(elf)

using namespace liquid;

/// The vector ISA features a kernel may use and the runtime checks.
static const char *const kCheckedFeatures[] = {
    "sse4.2",   "avx",      "avx2",       "fma",        "f16c",   "avx512f",
    "avx512bw", "avx512vl", "avx512dq",   "avx512vnni", "avx512bf16",
    "avxvnni"};

static void initializeX86() {
  static bool done = [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
    return true;
  }();
  (void)done;
}

static llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const CPUTarget &target) {
  initializeX86();
  llvm::Triple triple(target.triple);
  std::string error;
  const llvm::Target *t = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!t)
    return llvm::createStringError("target " + target.triple + ": " + error);
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> tm(t->createTargetMachine(
      triple, target.cpu, target.llvmFeatures, options, llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!tm)
    return llvm::createStringError("cannot create a target machine for " +
                                   target.triple);
  return tm;
}

llvm::Expected<CPUTarget> liquid::resolveCPUTarget(llvm::StringRef cpu) {
  CPUTarget target;
  target.triple = "x86_64-unknown-linux-gnu";
  if (cpu.empty() || cpu == "native") {
    target.cpu = llvm::sys::getHostCPUName().str();
    for (const auto &feature : llvm::sys::getHostCPUFeatures()) {
      if (!target.llvmFeatures.empty())
        target.llvmFeatures += ",";
      target.llvmFeatures += (feature.second ? "+" : "-");
      target.llvmFeatures += feature.first().str();
    }
  } else {
    target.cpu = cpu.str();
  }
  auto tm = createTargetMachine(target);
  if (!tm)
    return tm.takeError();
  const llvm::MCSubtargetInfo *info = (*tm)->getMCSubtargetInfo();
  if (!info->isCPUStringValid(target.cpu))
    return llvm::createStringError("--cpu: unknown CPU '" + target.cpu +
                                   "' for " + target.triple);
  for (const char *feature : kCheckedFeatures) {
    if (!info->checkFeatures(std::string("+") + feature))
      continue;
    if (!target.requiredFeatures.empty())
      target.requiredFeatures += ",";
    target.requiredFeatures += feature;
  }
  target.vectorBits = info->checkFeatures("+avx512f") ? 512
                      : info->checkFeatures("+avx2") ? 256
                                                     : 128;
  target.vectorRegisters = info->checkFeatures("+avx512f") ? 32 : 16;
  return target;
}

/// The module as optimized LLVM IR for `tm`.
static llvm::Expected<std::unique_ptr<llvm::Module>>
translate(mlir::ModuleOp module, llvm::LLVMContext &context,
          llvm::TargetMachine &tm) {
  std::unique_ptr<llvm::Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, context, "liquid");
  if (!llvmModule)
    return llvm::createStringError(
        "translation to LLVM IR failed (diagnostics above)");
  llvmModule->setTargetTriple(tm.getTargetTriple());
  llvmModule->setDataLayout(tm.createDataLayout());
  auto optimize = mlir::makeOptimizingTransformer(3, 0, &tm);
  if (llvm::Error error = optimize(llvmModule.get()))
    return std::move(error);
  return llvmModule;
}

/// Links `object` into a shared object with LLD's ELF driver. LLD reads
/// and writes files, so both live in a private temporary directory.
static llvm::Expected<std::string> linkSharedObject(llvm::StringRef object) {
  llvm::SmallString<128> dir;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("liquid-link", dir))
    return llvm::createStringError("cannot create a temporary directory: " +
                                   ec.message());
  llvm::SmallString<128> objectPath(dir), sharedPath(dir);
  llvm::sys::path::append(objectPath, "model.o");
  llvm::sys::path::append(sharedPath, "model.so");
  llvm::scope_exit cleanup([&] { llvm::sys::fs::remove_directories(dir); });
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(objectPath, ec);
    if (ec)
      return llvm::createStringError(objectPath + ": " + ec.message());
    os << object;
  }
  const char *args[] = {"ld.lld",          "-shared",
                        "--build-id=none", "--hash-style=gnu",
                        "-z",              "noexecstack",
                        "-z",              "now",
                        "-o",              sharedPath.c_str(),
                        objectPath.c_str()};
  std::string diagnostics;
  llvm::raw_string_ostream out(diagnostics), err(diagnostics);
  lld::Result result =
      lld::lldMain(args, out, err, {{lld::Gnu, &lld::elf::link}});
  if (result.retCode != 0)
    return llvm::createStringError("linking the code failed: " + diagnostics);
  auto shared = llvm::MemoryBuffer::getFile(sharedPath);
  if (!shared)
    return llvm::createStringError(sharedPath + ": " +
                                   shared.getError().message());
  return (*shared)->getBuffer().str();
}

llvm::Expected<std::string> liquid::emitSharedObject(mlir::ModuleOp module,
                                                     const CPUTarget &target) {
  auto tm = createTargetMachine(target);
  if (!tm)
    return tm.takeError();
  llvm::LLVMContext context;
  auto llvmModule = translate(module, context, **tm);
  if (!llvmModule)
    return llvmModule.takeError();
  llvm::SmallVector<char, 0> object;
  {
    llvm::raw_svector_ostream os(object);
    llvm::legacy::PassManager pm;
    if ((*tm)->addPassesToEmitFile(pm, os, nullptr,
                                   llvm::CodeGenFileType::ObjectFile))
      return llvm::createStringError("the target cannot emit object files");
    pm.run(**llvmModule);
  }
  return linkSharedObject(llvm::StringRef(object.data(), object.size()));
}
