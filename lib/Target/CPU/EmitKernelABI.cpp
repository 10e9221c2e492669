//===- EmitKernelABI.cpp - Entry points get the runtime's kernel signature ===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements liquid-emit-kernel-abi: for each public LLVM
// function `f`, an exported `liquid_kernel_f(bindings, constants, workgroup)`
// that unpacks its arguments from the two arrays the runtime fills.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

namespace mlir::liquid {
#define GEN_PASS_DEF_EMITKERNELABIPASS
#include "liquid/Dialect/Liquid/Passes.h.inc"
} // namespace mlir::liquid

using namespace mlir;

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
    int32_t nextBinding = 0, nextConstant = 0;
    for (auto [i, param] : llvm::enumerate(type.getParams())) {
      if (func.getArgAttr(i, "liquid.workgroup")) {
        args.push_back(body->getArgument(2));
        continue;
      }
      bool isPtr = isa<LLVM::LLVMPointerType>(param);
      if (!isPtr && param != i64)
        return func.emitOpError("entry point parameter of type ")
               << param << " is neither a buffer nor an index";
      Value base = isPtr ? bindings : constants;
      int32_t &slot = isPtr ? nextBinding : nextConstant;
      Value at = LLVM::GEPOp::create(b, loc, ptr, param, base,
                                     ArrayRef<LLVM::GEPArg>{slot++});
      args.push_back(LLVM::LoadOp::create(b, loc, param, at));
    }
    LLVM::CallOp::create(b, loc, func, args);
    LLVM::ReturnOp::create(b, loc, ValueRange());
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
};
} // namespace
