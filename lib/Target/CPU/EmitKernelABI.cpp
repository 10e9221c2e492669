//===- EmitKernelABI.cpp - Entry points get the runtime's kernel signature ===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements liquid-emit-kernel-abi: for each public LLVM
// function `f`, an exported `liquid_kernel_f(bindings, constants, workgroup)`
// that unpacks its arguments from the two arrays the runtime fills, and an
// exported constant `liquid_kernel_f_signature` saying what the kernel
// touches: its workgroup count, the vocabulary and context it indexes, the
// bytes of each buffer and whether it writes it (format.h). The runtime
// checks every dispatch of the schedule against these facts of the code
// itself, so a damaged table cannot make a kernel run past a buffer.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/LiquidAttrs.h"
#include "liquid/Dialect/Liquid/LiquidDialect.h"
#include "liquid/Dialect/Liquid/Passes.h"
#include "liquid/format.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir::liquid {
#define GEN_PASS_DEF_EMITKERNELABIPASS
#include "liquid/Dialect/Liquid/Passes.h.inc"
} // namespace mlir::liquid

using namespace mlir;
using mlir::liquid::LiquidDialect;

namespace {
struct EmitKernelABIPass
    : liquid::impl::EmitKernelABIPassBase<EmitKernelABIPass> {
  void runOnOperation() override {
    SmallVector<LLVM::LLVMFuncOp> entries;
    for (auto func : getOperation().getOps<LLVM::LLVMFuncOp>())
      if (!func.isExternal() && func.getLinkage() == LLVM::Linkage::External &&
          !func.getName().starts_with("liquid_kernel_"))
        entries.push_back(func);
    for (LLVM::LLVMFuncOp func : entries)
      if (failed(emitKernel(func)))
        return signalPassFailure();
  }

  LogicalResult emitKernel(LLVM::LLVMFuncOp func) {
    MLIRContext *ctx = func.getContext();
    LLVM::LLVMFunctionType type = func.getFunctionType();
    if (!isa<LLVM::LLVMVoidType>(type.getReturnType()))
      return func.emitOpError("an entry point must return nothing");
    Type ptr = LLVM::LLVMPointerType::get(ctx);
    Type i64 = IntegerType::get(ctx, 64);

    OpBuilder b(func);
    Location loc = func.getLoc();
    auto kernel = LLVM::LLVMFuncOp::create(
        b, loc, ("liquid_kernel_" + func.getName()).str(),
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                    {ptr, ptr, i64}));
    Block *body = kernel.addEntryBlock(b);
    b.setInsertionPointToStart(body);
    Value bindings = body->getArgument(0);
    Value constants = body->getArgument(1);
    SmallVector<Value> args;
    SmallVector<int64_t> bindingBytes, bindingWrites;
    int32_t nextBinding = 0, nextConstant = 0;
    for (auto [i, param] : llvm::enumerate(type.getParams())) {
      if (func.getArgAttr(i, LiquidDialect::getWorkgroupAttrName())) {
        args.push_back(body->getArgument(2));
        continue;
      }
      bool isPtr = isa<LLVM::LLVMPointerType>(param);
      if (!isPtr && param != i64)
        return func.emitOpError("entry point parameter of type ")
               << param << " is neither a buffer nor an index";
      if (isPtr) {
        FailureOr<int64_t> bytes = bufferBytes(func, i);
        if (failed(bytes))
          return failure();
        bindingBytes.push_back(*bytes);
        bindingWrites.push_back(
            func.getArgAttr(i, LiquidDialect::getWrittenAttrName()) ? 1 : 0);
      }
      Value base = isPtr ? bindings : constants;
      int32_t &slot = isPtr ? nextBinding : nextConstant;
      Value at = LLVM::GEPOp::create(b, loc, ptr, param, base,
                                     ArrayRef<LLVM::GEPArg>{slot++});
      args.push_back(LLVM::LoadOp::create(b, loc, param, at));
    }
    LLVM::CallOp::create(b, loc, func, args);
    LLVM::ReturnOp::create(b, loc, ValueRange());
    emitSignature(func, kernel, bindingBytes, bindingWrites, nextConstant);
    func.setLinkage(LLVM::Linkage::Internal);
    // Distinct bindings never overlap: the memory plan gives buffers live at
    // the same time distinct bytes, and a buffer a kernel writes is one
    // argument. Saying so lets LLVM keep accumulators in registers.
    for (auto [i, param] : llvm::enumerate(type.getParams()))
      if (isa<LLVM::LLVMPointerType>(param))
        func.setArgAttr(i, LLVM::LLVMDialect::getNoAliasAttrName(),
                        UnitAttr::get(ctx));
    return success();
  }

  /// The bytes of pointer argument `i`: its liquid.buffer memref type.
  static FailureOr<int64_t> bufferBytes(LLVM::LLVMFuncOp func, unsigned i) {
    auto attr =
        func.getArgAttrOfType<TypeAttr>(i, LiquidDialect::getBufferAttrName());
    auto type = attr ? dyn_cast<MemRefType>(attr.getValue()) : MemRefType();
    if (!type || !type.hasStaticShape() ||
        !type.getElementType().isIntOrFloat() ||
        type.getElementTypeBitWidth() % 8 != 0)
      return func.emitOpError("buffer argument ")
             << i << " has no static liquid.buffer memref type";
    return type.getNumElements() * (type.getElementTypeBitWidth() / 8);
  }

  /// Adds `<kernel>_signature`: the array format.h describes. The model's
  /// vocabulary and context bound what the code indexes with a token id or
  /// a position; without a liquid.model they are 0, which no runtime runs.
  static void emitSignature(LLVM::LLVMFuncOp func, LLVM::LLVMFuncOp kernel,
                            ArrayRef<int64_t> bindingBytes,
                            ArrayRef<int64_t> bindingWrites,
                            int64_t constants) {
    auto workgroups = func->getAttrOfType<IntegerAttr>(
        LiquidDialect::getWorkgroupsAttrName());
    auto model = mlir::liquid::ModelAttr::lookup(func);
    SmallVector<int64_t> words(LQM_SIGNATURE_BYTES, 0);
    words[LQM_SIGNATURE_WORKGROUPS] = workgroups ? workgroups.getInt() : 1;
    words[LQM_SIGNATURE_VOCAB] = model ? model.getVocabSize() : 0;
    words[LQM_SIGNATURE_CONTEXT] = model ? model.getMaxContext() : 0;
    words[LQM_SIGNATURE_CONSTANTS] = constants;
    words[LQM_SIGNATURE_BINDINGS] = int64_t(bindingBytes.size());
    words.append(bindingBytes.begin(), bindingBytes.end());
    words.append(bindingWrites.begin(), bindingWrites.end());

    OpBuilder b(kernel);
    b.setInsertionPointAfter(kernel);
    Type i64 = b.getI64Type();
    auto type = LLVM::LLVMArrayType::get(i64, words.size());
    auto value = DenseIntElementsAttr::get(
        RankedTensorType::get({int64_t(words.size())}, i64), words);
    LLVM::GlobalOp::create(b, func.getLoc(), type, /*isConstant=*/true,
                           LLVM::Linkage::External,
                           (kernel.getName() + LQM_SIGNATURE_SUFFIX).str(),
                           value);
  }
};
} // namespace
