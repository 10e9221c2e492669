//===- SchedulePlan.cpp - Host schedules and memory plan of a module ------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements planSchedule (SchedulePlan.h). Every tensor value of
// a schedule lives in a root buffer: a weight, the tokens, a state argument,
// or a `tensor.empty` (scratch, or the logits when the entry point returns
// it first). Dispatch results are their tied operand's buffer; reshapes are
// views of their source's. A scratch buffer is live from its first use to
// its last use by any value in it, and is placed first-fit at the lowest
// 64-byte-aligned offset not used by a buffer live at the same time.
//
//===----------------------------------------------------------------------===//

#include "SchedulePlan.h"

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"

#include <algorithm>

using namespace ::liquid;
using namespace mlir;

static constexpr uint64_t kAlign = 64;
static constexpr llvm::StringLiteral kKernelPrefix = "liquid_kernel_";

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(message.str());
}

static uint64_t alignUp(uint64_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

static uint64_t byteSize(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  if (auto q = dyn_cast<mlir::liquid::QuantizedTypeInterface>(
          tensor.getElementType()))
    return uint64_t(tensor.getNumElements() / q.getBlockSize()) *
           q.getBlockBytes();
  return uint64_t(tensor.getNumElements()) *
         (tensor.getElementType().getIntOrFloatBitWidth() / 8);
}

/// The buffer a schedule value lives in.
static Value rootOf(Value v) {
  while (true) {
    if (auto d = v.getDefiningOp<mlir::liquid::DispatchOp>()) {
      unsigned i = cast<OpResult>(v).getResultNumber();
      v = d.getArgs()[d.getTiedOperands()[i]];
    } else if (auto e = v.getDefiningOp<tensor::ExpandShapeOp>()) {
      v = e.getSrc();
    } else if (auto c = v.getDefiningOp<tensor::CollapseShapeOp>()) {
      v = c.getSrc();
    } else {
      return v;
    }
  }
}

namespace {
class Planner {
public:
  Planner(const Checkpoint &checkpoint, SchedulePlan &plan)
      : checkpoint(checkpoint), plan(plan) {}

  llvm::Error addKernels(ModuleOp kernels);
  llvm::Error addEntry(func::FuncOp entry);

private:
  llvm::Expected<PlannedBinding> bind(Value root);
  llvm::Error placeScratch(func::FuncOp entry);

  const Checkpoint &checkpoint;
  SchedulePlan &plan;
  llvm::StringMap<uint32_t> kernelIndex, weightIndex;
  llvm::DenseMap<mlir::liquid::StateAttr, uint32_t> stateIndex;
  /// Bytes of workspace each kernel takes (liquid-plan-workspace), by index.
  std::vector<uint64_t> workspaceBytes;
  /// Per entry point: scratch roots and their offsets, each dispatch's
  /// workspace offset, the logits root.
  llvm::DenseMap<Value, uint64_t> scratchOffset;
  llvm::DenseMap<Operation *, uint64_t> workspaceOffset;
  Value logits;
};
} // namespace

llvm::Error Planner::addKernels(ModuleOp kernels) {
  for (auto f : kernels.getOps<LLVM::LLVMFuncOp>()) {
    if (!f.getName().starts_with(kKernelPrefix))
      continue;
    StringRef name = f.getName().drop_front(kKernelPrefix.size());
    kernelIndex[name] = plan.kernels.size();
    plan.kernels.push_back(f.getName().str());
    uint64_t workspace = 0;
    if (auto body = kernels.lookupSymbol<LLVM::LLVMFuncOp>(name))
      if (auto bytes = body->getAttrOfType<IntegerAttr>(
              mlir::liquid::LiquidDialect::getWorkspaceAttrName()))
        workspace = bytes.getInt();
    workspaceBytes.push_back(workspace);
  }
  if (plan.kernels.empty())
    return error("the module has no kernels (was it lowered to llvm?)");
  return llvm::Error::success();
}

llvm::Expected<PlannedBinding> Planner::bind(Value root) {
  // A packed weight is the checkpoint tensor in another layout: a weight
  // of its own, next to the unpacked one if that is read too.
  RankedTensorType packed;
  if (auto pack = root.getDefiningOp<mlir::liquid::PackOp>()) {
    packed = cast<RankedTensorType>(pack.getType());
    root = pack.getSource();
  }
  if (auto weight = root.getDefiningOp<mlir::liquid::WeightOp>()) {
    StringRef name = weight.getName();
    const TensorInfo *tensor = checkpoint.lookup(name);
    if (!tensor)
      return error("weight '" + name + "' is not in the checkpoint");
    std::string key = name.str();
    if (packed)
      llvm::raw_string_ostream(key) << "|" << packed;
    auto [it, inserted] = weightIndex.try_emplace(key, plan.weights.size());
    if (inserted)
      plan.weights.push_back({tensor, packed});
    return PlannedBinding{BindingKind::Weight, it->second};
  }
  if (auto arg = dyn_cast<BlockArgument>(root)) {
    auto func = cast<func::FuncOp>(arg.getOwner()->getParentOp());
    if (arg.getArgNumber() == 0)
      return PlannedBinding{BindingKind::Tokens};
    auto state = func.getArgAttrOfType<mlir::liquid::StateAttr>(
        arg.getArgNumber(), mlir::liquid::LiquidDialect::getStateAttrName());
    if (!state)
      return error(func.getName() + ": argument " +
                   llvm::Twine(arg.getArgNumber()) +
                   " is neither the tokens nor a state buffer");
    auto [it, inserted] = stateIndex.try_emplace(state, plan.states.size());
    if (inserted) {
      auto type = cast<RankedTensorType>(arg.getType());
      if (!type.getElementType().isF32())
        return error("state '" + state.getName() + "' is not f32");
      plan.states.push_back({state.getName(), state.getKind(),
                             state.getLayer(),
                             std::vector<int64_t>(type.getShape().begin(),
                                                  type.getShape().end()),
                             byteSize(type)});
    }
    return PlannedBinding{BindingKind::State, it->second};
  }
  if (root == logits)
    return PlannedBinding{BindingKind::Logits};
  auto it = scratchOffset.find(root);
  if (it == scratchOffset.end())
    return error("a dispatch operand has no buffer (defined by " +
                 (root.getDefiningOp()
                      ? root.getDefiningOp()->getName().getStringRef()
                      : StringRef("?")) +
                 ")");
  return PlannedBinding{BindingKind::Scratch, 0, it->second,
                        byteSize(root.getType())};
}

/// The workspace a dispatch's kernel takes, in bytes (0: none).
static uint64_t workspaceOf(mlir::liquid::DispatchOp d,
                            const llvm::StringMap<uint32_t> &kernelIndex,
                            const std::vector<uint64_t> &workspaceBytes) {
  auto it = kernelIndex.find(d.getKernel().getLeafReference());
  return it == kernelIndex.end() ? 0 : workspaceBytes[it->second];
}

llvm::Error Planner::placeScratch(func::FuncOp entry) {
  // Live ranges in op order: every tensor.empty root but the logits, from
  // its first to its last use, and every dispatch's workspace, for that
  // dispatch alone.
  struct Buffer {
    Value root;
    Operation *dispatch;
    uint64_t size;
    unsigned first, last;
  };
  std::vector<Buffer> live;
  llvm::DenseMap<Value, size_t> byRoot;
  unsigned index = 0;
  for (Operation &op : entry.getBody().front()) {
    for (Value operand : op.getOperands()) {
      Value root = rootOf(operand);
      if (root == logits || !root.getDefiningOp<tensor::EmptyOp>())
        continue;
      auto [it, inserted] = byRoot.try_emplace(root, live.size());
      if (inserted)
        live.push_back({root, nullptr, byteSize(root.getType()), index, index});
      live[it->second].last = index;
    }
    if (auto d = dyn_cast<mlir::liquid::DispatchOp>(op))
      if (uint64_t bytes = workspaceOf(d, kernelIndex, workspaceBytes))
        live.push_back({Value(), &op, bytes, index, index});
    ++index;
  }
  // `live` is in order of first use already: each buffer was added at the
  // operation that first uses it.
  struct Placed {
    uint64_t offset, size;
    unsigned last;
  };
  std::vector<Placed> active;
  for (const Buffer &buffer : live) {
    llvm::erase_if(active,
                   [&](const Placed &p) { return p.last < buffer.first; });
    llvm::sort(active, [](const Placed &a, const Placed &b) {
      return a.offset < b.offset;
    });
    uint64_t size = alignUp(buffer.size);
    uint64_t at = 0;
    for (const Placed &p : active) {
      if (at + size <= p.offset)
        break;
      at = std::max(at, p.offset + p.size);
    }
    active.push_back({at, size, buffer.last});
    if (buffer.dispatch)
      workspaceOffset[buffer.dispatch] = at;
    else
      scratchOffset[buffer.root] = at;
    plan.scratchSize = std::max(plan.scratchSize, at + size);
  }
  return llvm::Error::success();
}

llvm::Error Planner::addEntry(func::FuncOp entry) {
  PlannedEntry planned;
  planned.name = entry.getName().str();
  auto tokens = dyn_cast<RankedTensorType>(entry.getArgumentTypes().front());
  if (!tokens || tokens.getRank() != 1 || !tokens.hasStaticShape())
    return error(entry.getName() + ": the first argument is not the tokens");
  planned.tokens = uint32_t(tokens.getDimSize(0));

  auto ret = cast<func::ReturnOp>(entry.getBody().front().getTerminator());
  if (ret.getNumOperands() == 0)
    return error(entry.getName() + ": returns no logits");
  logits = rootOf(ret.getOperand(0));
  if (!logits.getDefiningOp<tensor::EmptyOp>())
    return error(entry.getName() + ": the logits are not computed by a dispatch");
  auto logitsType = cast<RankedTensorType>(logits.getType());
  if (logitsType.getRank() != 2 || logitsType.getDimSize(0) < 1 ||
      logitsType.getDimSize(0) > planned.tokens)
    return error(entry.getName() + ": the logits are not rows of tokens");
  planned.logitRows = uint32_t(logitsType.getDimSize(0));
  scratchOffset.clear();
  workspaceOffset.clear();
  if (llvm::Error e = placeScratch(entry))
    return e;

  for (auto d : entry.getOps<mlir::liquid::DispatchOp>()) {
    auto it = kernelIndex.find(d.getKernel().getLeafReference());
    if (it == kernelIndex.end())
      return error(entry.getName() + ": no compiled kernel " +
                   d.getKernel().getLeafReference().getValue());
    PlannedDispatch dispatch;
    dispatch.kernel = it->second;
    dispatch.workgroups = uint32_t(d.getWorkgroups());
    for (Value arg : d.getArgs()) {
      if (arg.getType().isIndex()) {
        auto position = dyn_cast<BlockArgument>(arg);
        if (!position || position.getArgNumber() != 1)
          return error(entry.getName() +
                       ": a dispatch takes an index that is not the position");
        continue;
      }
      auto binding = bind(rootOf(arg));
      if (!binding)
        return binding.takeError();
      dispatch.bindings.push_back(*binding);
    }
    // The kernel's workspace comes last (liquid-plan-workspace).
    if (uint64_t bytes = workspaceOf(d, kernelIndex, workspaceBytes))
      dispatch.bindings.push_back({BindingKind::Scratch, 0,
                                   workspaceOffset.lookup(d), bytes});
    planned.dispatches.push_back(std::move(dispatch));
  }
  plan.entries.push_back(std::move(planned));
  return llvm::Error::success();
}

namespace liquid {
llvm::Expected<SchedulePlan> planSchedule(ModuleOp module,
                                          const Checkpoint &checkpoint) {
  SchedulePlan plan;
  Planner planner(checkpoint, plan);
  auto kernels = module.lookupSymbol<ModuleOp>("kernels");
  if (!kernels)
    return error("the module has no kernels module");
  if (llvm::Error e = planner.addKernels(kernels))
    return std::move(e);
  for (auto entry : module.getOps<func::FuncOp>())
    if (entry->hasAttr("liquid.schedule"))
      if (llvm::Error e = planner.addEntry(entry))
        return std::move(e);
  if (plan.entries.empty())
    return error("the module has no entry points");
  return plan;
}
} // namespace liquid
