//===- FormDispatches.cpp - Entry points become kernels + a host schedule -===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements liquid-form-dispatches: every compute op of an entry
// point moves into a kernel function in the nested `builtin.module
// @kernels`, and the entry point keeps only the launches (liquid.dispatch)
// over buffers. Ops of the same kind, attributes and types share one kernel,
// so the code grows with the model's distinct shapes, not its layers.
// Projections are split over workgroups by rows of their weight, so the
// runtime can spread them over threads.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilders.h"

#include "liquid/Dialect/Liquid/LiquidOps.h"
#include "liquid/Dialect/Liquid/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"

#include <functional>

namespace mlir::liquid {
#define GEN_PASS_DEF_FORMDISPATCHESPASS
#include "liquid/Dialect/Liquid/Passes.h.inc"
} // namespace mlir::liquid

using namespace mlir;
using namespace mlir::liquid;
using namespace mlir::liquid::kernels;

/// How many workgroups `op` is split into for the module's target.
static int64_t workgroupCount(PartitionOpInterface op) {
  return op.getWorkgroupCount(TargetAttr::lookup(op));
}

/// The type a kernel argument has for a schedule value: block-quantized
/// weights arrive as their bytes.
static Type kernelArgType(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (tensor && isa<QuantizedTypeInterface>(tensor.getElementType()))
    return BitcastOp::getByteType(tensor);
  return type;
}

namespace {
/// What a kernel computes, given its arguments (block arguments mapped
/// from the dispatch operands, quantized ones already viewed back) and the
/// workgroup id; returns one value per destination.
using BodyBuilder = llvm::function_ref<SmallVector<Value>(
    OpBuilder &, Location, ValueRange args, Value workgroup)>;

class DispatchFormer {
public:
  DispatchFormer(ModuleOp module, ModuleOp kernels)
      : module(module), kernels(kernels) {}

  LogicalResult form(func::FuncOp entry);

private:
  LogicalResult formChain(ArrayRef<Operation *> chain);
  void formLinear(LinearOp op);
  void formFFN(FFNOp op);
  void formExperts(MoEExpertsOp op);
  void formAttention(AttentionOp op);

  /// Emits `liquid.dispatch` of the kernel `key` (built by `body` the first
  /// time) over `args`, whose `tied` ones receive the results.
  Operation *dispatch(OpBuilder &b, Location loc, StringRef name,
                      StringRef key, ValueRange args, ArrayRef<int64_t> tied,
                      int64_t workgroups, BodyBuilder body);
  Value scratch(OpBuilder &b, Location loc, Type type) {
    auto t = cast<RankedTensorType>(type);
    return tensor::EmptyOp::create(b, loc, t.getShape(), t.getElementType());
  }

  ModuleOp module, kernels;
  llvm::StringMap<SymbolRefAttr> byKey;
  llvm::StringMap<unsigned> nameCounts;
};
} // namespace

/// A printable key of everything that makes a kernel distinct.
static std::string kernelKey(StringRef name, ValueRange args,
                             ArrayRef<int64_t> tied, int64_t workgroups,
                             Attribute attrs) {
  std::string key;
  llvm::raw_string_ostream os(key);
  os << name << "|" << workgroups << "|";
  for (Value v : args)
    os << v.getType() << ",";
  os << "|";
  for (int64_t t : tied)
    os << t << ",";
  if (attrs)
    os << "|" << attrs;
  return key;
}

/// The static slice `v` is of a whole buffer, if it is one: the schedule
/// then passes the buffer and the kernel takes the slice.
static tensor::ExtractSliceOp peelableSlice(Value v) {
  auto slice = v.getDefiningOp<tensor::ExtractSliceOp>();
  if (!slice || !slice.hasUnitStride() ||
      isa<QuantizedTypeInterface>(getElementTypeOrSelf(v)) ||
      !slice.getSourceType().hasStaticShape() ||
      llvm::any_of(slice.getMixedOffsets(),
                   [](OpFoldResult o) { return isa<Value>(o); }) ||
      llvm::any_of(slice.getMixedSizes(),
                   [](OpFoldResult o) { return isa<Value>(o); }))
    return {};
  return slice;
}

Operation *DispatchFormer::dispatch(OpBuilder &b, Location loc, StringRef name,
                                    StringRef givenKey, ValueRange givenArgs,
                                    ArrayRef<int64_t> tied, int64_t workgroups,
                                    BodyBuilder body) {
  MLIRContext *ctx = b.getContext();
  // Inputs that are static slices of a buffer: the kernel slices it.
  SmallVector<Value> args(givenArgs);
  SmallVector<tensor::ExtractSliceOp> slices(args.size());
  std::string key = givenKey.str();
  for (auto [i, arg] : llvm::enumerate(args)) {
    if (llvm::is_contained(tied, int64_t(i)))
      continue;
    if (auto slice = peelableSlice(arg)) {
      slices[i] = slice;
      args[i] = slice.getSource();
      llvm::raw_string_ostream(key)
          << "|slice" << i << ":" << slice.getSourceType()
          << slice.getStaticOffsets().size();
      for (int64_t o : slice.getStaticOffsets())
        llvm::raw_string_ostream(key) << "," << o;
    }
  }
  SymbolRefAttr &ref = byKey[key];
  if (!ref) {
    std::string symbol =
        (name + "_" + std::to_string(nameCounts[name]++)).str();
    OpBuilder kb = OpBuilder::atBlockEnd(kernels.getBody());
    SmallVector<Type> inputs, results;
    for (Value v : args)
      inputs.push_back(kernelArgType(v.getType()));
    inputs.push_back(kb.getIndexType());
    for (int64_t t : tied)
      results.push_back(kernelArgType(args[t].getType()));
    // Kernels are shared by layers: named after themselves, not the first
    // layer that launched them.
    Location kloc = NameLoc::get(kb.getStringAttr(symbol));
    auto func = func::FuncOp::create(kb, kloc, symbol,
                                     kb.getFunctionType(inputs, results));
    func.setArgAttr(args.size(), LiquidDialect::getWorkgroupAttrName(),
                    kb.getUnitAttr());
    for (auto [i, t] : llvm::enumerate(tied))
      func.setResultAttr(i, LiquidDialect::getTiedAttrName(),
                         kb.getI64IntegerAttr(t));
    func->setAttr(LiquidDialect::getWorkgroupsAttrName(),
                  kb.getI64IntegerAttr(workgroups));
    Block *entry = func.addEntryBlock();
    for (BlockArgument arg : entry->getArguments())
      arg.setLoc(NameLoc::get(kb.getStringAttr("arg")));
    entry->getArguments().back().setLoc(
        NameLoc::get(kb.getStringAttr("workgroup")));
    kb.setInsertionPointToStart(entry);
    SmallVector<Value> viewed;
    for (auto [i, arg, v] :
         llvm::enumerate(entry->getArguments().drop_back(), args)) {
      Value a = arg;
      if (a.getType() != v.getType())
        a = BitcastOp::create(kb, kloc, v.getType(), a);
      if (tensor::ExtractSliceOp slice = slices[i])
        a = tensor::ExtractSliceOp::create(
            kb, kloc, slice.getType(), a, slice.getMixedOffsets(),
            slice.getMixedSizes(), slice.getMixedStrides());
      viewed.push_back(a);
    }
    SmallVector<Value> outs =
        body(kb, kloc, viewed, entry->getArguments().back());
    for (auto [out, type] : llvm::zip(outs, results))
      if (out.getType() != type)
        out = BitcastOp::viewAsBytes(kb, kloc, out);
    func::ReturnOp::create(kb, kloc, outs);
    ref = SymbolRefAttr::get(kernels.getSymNameAttr(),
                             {FlatSymbolRefAttr::get(ctx, symbol)});
  }
  SmallVector<Type> types;
  for (int64_t t : tied)
    types.push_back(args[t].getType());
  return DispatchOp::create(b, loc, types, ref, workgroups, args, tied);
}

/// `y = x w^T` split by rows of `w`.
void DispatchFormer::formLinear(LinearOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto yType = cast<RankedTensorType>(op.getType());
  int64_t rows = cast<RankedTensorType>(op.getWeight().getType()).getDimSize(0);
  int64_t workgroups = workgroupCount(op), r = rows / workgroups;
  SmallVector<Value> args = {op.getInput(), op.getWeight(),
                             scratch(b, loc, yType)};
  std::string key = kernelKey("linear", args, {2}, workgroups, {});
  Operation *d = dispatch(
      b, loc, "linear", key, args, {2}, workgroups,
      [&](OpBuilder &kb, Location l, ValueRange a, Value wg) {
        Value row = arith::MulIOp::create(
            kb, l, wg, arith::ConstantIndexOp::create(kb, l, r));
        Value slice = sliceRows(kb, l, a[1], row, r);
        auto partType = RankedTensorType::get({yType.getDimSize(0), r},
                                              yType.getElementType());
        Value part = LinearOp::create(kb, l, partType, a[0], slice);
        return SmallVector<Value>{insertColumns(kb, l, part, a[2], row)};
      });
  op->replaceAllUsesWith(d->getResults());
  op.erase();
}

/// The SwiGLU block as two launches: `h = silu(x gate^T) * (x up^T)` split
/// by rows of gate and up, then the down projection split like any linear.
void DispatchFormer::formFFN(FFNOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto xType = cast<RankedTensorType>(op.getType());
  int64_t tokens = xType.getDimSize(0);
  int64_t ffn = cast<RankedTensorType>(op.getGate().getType()).getDimSize(0);
  bool int8 = isa<PanelsType>(getElementTypeOrSelf(op.getDown()));
  auto hType = RankedTensorType::get(
      {tokens, ffn}, int8 ? Type(Q8ActType::get(b.getContext()))
                          : Type(b.getF32Type()));
  int64_t workgroups = workgroupCount(op), r = ffn / workgroups;
  SmallVector<Value> args = {op.getInput(), op.getGate(), op.getUp(),
                             scratch(b, loc, hType)};
  std::string key = kernelKey("ffn_up", args, {3}, workgroups, {});
  Operation *up = dispatch(
      b, loc, "ffn_up", key, args, {3}, workgroups,
      [&](OpBuilder &kb, Location l, ValueRange a, Value wg) {
        Value row = arith::MulIOp::create(
            kb, l, wg, arith::ConstantIndexOp::create(kb, l, r));
        auto partType = RankedTensorType::get({tokens, r}, kb.getF32Type());
        Value g = LinearOp::create(kb, l, partType, a[0],
                                   sliceRows(kb, l, a[1], row, r));
        Value u = LinearOp::create(kb, l, partType, a[0],
                                   sliceRows(kb, l, a[2], row, r));
        Value h = SwiGLUOp::create(kb, l, partType, g, u);
        h = projectionInput(kb, l, h, op.getDown());
        return SmallVector<Value>{insertColumns(kb, l, h, a[3], row)};
      });
  auto down = LinearOp::create(b, loc, op.getType(), up->getResult(0),
                               op.getDown());
  op->replaceAllUsesWith(down->getResults());
  op.erase();
  formLinear(down);
}

/// Tokens of a chunk an expert runs together as one matrix product: its
/// weights are read once per group of this many routed tokens.
static constexpr int64_t kExpertTokens = 8;
/// The smaller groups a tail of fewer routed tokens runs as (the smallest
/// that holds it, padded): less arithmetic on rows that are thrown away.
static constexpr int64_t kTailGroups[] = {4, 1};

/// The routed experts as two launches. `moe_expert` runs one workgroup per
/// expert e: it lists the chunk's (token, slot) pairs routed to e, in
/// order, then takes them kExpertTokens at a time (fewer when the chunk is
/// shorter): gathers their rows of x, runs e's SwiGLU over them as one
/// matrix product (so a chunk reads e's weights once per group, and not at
/// all when no token selected e: in decode, k of E) and writes w[t, s]
/// times each row into partial[s, t]. Then `moe_combine` sums the slots in
/// order: y[t] = sum_s partial[s, t].
void DispatchFormer::formExperts(MoEExpertsOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto xType = cast<RankedTensorType>(op.getType());
  int64_t tokens = xType.getDimSize(0), hidden = xType.getDimSize(1);
  int64_t slots =
      cast<RankedTensorType>(op.getExpertIds().getType()).getDimSize(1);
  int64_t experts = workgroupCount(op);
  int64_t group = std::min(tokens, kExpertTokens);
  auto partialType =
      RankedTensorType::get({slots, tokens, hidden}, b.getF32Type());
  SmallVector<Value> args = {op.getInput(), op.getExpertIds(),
                             op.getExpertWeights(), op.getGate(),
                             op.getUp(), op.getDown(),
                             scratch(b, loc, partialType)};
  std::string key = kernelKey("moe_expert", args, {6}, experts, {});
  Operation *slot = dispatch(
      b, loc, "moe_expert", key, args, {6}, experts,
      [&](OpBuilder &kb, Location l, ValueRange a, Value e) {
        Value gate = sliceExpert(kb, l, a[3], e);
        Value up = sliceExpert(kb, l, a[4], e);
        Value down = sliceExpert(kb, l, a[5], e);
        // Named values, not structured bindings: the lambdas below capture
        // them (capturing bindings is C++20).
        Value list, count;
        std::tie(list, count) = routedPairs(
            kb, l, a[1], e,
            tensor::EmptyOp::create(kb, l, ArrayRef<int64_t>{tokens},
                                    kb.getI32Type()));
        auto inType = cast<RankedTensorType>(a[0].getType());
        // The pairs [at, at + size) (padded past the count) as one product.
        auto runGroup = [&](OpBuilder &gb, Value at, int64_t size,
                            Value partial) {
          auto rowsType = RankedTensorType::get({size, hidden},
                                                inType.getElementType());
          Value rows =
              isa<QuantizedTypeInterface>(rowsType.getElementType())
                  ? BitcastOp::create(
                        gb, l, rowsType,
                        scratch(gb, l, BitcastOp::getByteType(rowsType)))
                        .getResult()
                  : scratch(gb, l, rowsType);
          Value x = gatherRows(gb, l, a[0], list, at, count, slots, rows);
          Value y = expertFFN(gb, l, x, gate, up, down);
          return scatterRows(gb, l, y, a[2], list, at, count, slots, partial);
        };
        auto index = [&](OpBuilder &ib, int64_t v) -> Value {
          return arith::ConstantIndexOp::create(ib, l, v);
        };
        // Groups of `group` pairs, the last one padded when the tail is
        // longer than the largest of kTailGroups; such a shorter tail runs
        // as the smallest of kTailGroups that holds it.
        SmallVector<int64_t> sizes;
        for (int64_t size : kTailGroups)
          if (size < group)
            sizes.push_back(size);
        Value rem = arith::RemUIOp::create(kb, l, count, index(kb, group));
        Value full = arith::SubIOp::create(kb, l, count, rem);
        Value end = count;
        if (!sizes.empty())
          end = arith::SelectOp::create(
              kb, l,
              arith::CmpIOp::create(kb, l, arith::CmpIPredicate::ugt, rem,
                                    index(kb, sizes.front())),
              count, full);
        auto loop = scf::ForOp::create(kb, l, index(kb, 0), end,
                                       index(kb, group), ValueRange{a[6]});
        OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
        scf::YieldOp::create(lb, l,
                             runGroup(lb, loop.getInductionVar(), group,
                                      loop.getRegionIterArg(0)));
        if (sizes.empty())
          return SmallVector<Value>{loop.getResult(0)};
        std::function<Value(OpBuilder &, size_t, Value)> level =
            [&](OpBuilder &ib, size_t i, Value partial) -> Value {
          int64_t below = i + 1 < sizes.size() ? sizes[i + 1] : 0;
          Value fits = arith::CmpIOp::create(
              ib, l, arith::CmpIPredicate::ugt, arith::SubIOp::create(ib, l, count, end),
              index(ib, below));
          auto ifOp = scf::IfOp::create(ib, l, TypeRange{partial.getType()},
                                        fits, /*withElseRegion=*/true);
          OpBuilder tb = ifOp.getThenBodyBuilder();
          scf::YieldOp::create(tb, l, runGroup(tb, end, sizes[i], partial));
          OpBuilder eb = ifOp.getElseBodyBuilder();
          scf::YieldOp::create(
              eb, l, below ? level(eb, i + 1, partial) : partial);
          return ifOp.getResult(0);
        };
        return SmallVector<Value>{level(kb, 0, loop.getResult(0))};
      });

  SmallVector<Value> sumArgs = {slot->getResult(0), scratch(b, loc, xType)};
  std::string sumKey = kernelKey("moe_combine", sumArgs, {1}, 1, {});
  Operation *sum = dispatch(
      b, loc, "moe_combine", sumKey, sumArgs, {1}, 1,
      [&](OpBuilder &kb, Location l, ValueRange a, Value) {
        Value acc;
        for (int64_t r = 0; r < slots; ++r) {
          SmallVector<OpFoldResult> offsets = {kb.getIndexAttr(r),
                                               kb.getIndexAttr(0),
                                               kb.getIndexAttr(0)};
          SmallVector<OpFoldResult> sizes = {kb.getIndexAttr(1),
                                             kb.getIndexAttr(tokens),
                                             kb.getIndexAttr(hidden)};
          SmallVector<OpFoldResult> strides(3, kb.getIndexAttr(1));
          Value part = tensor::ExtractSliceOp::create(
              kb, l, xType, a[0], offsets, sizes, strides);
          acc = acc ? arith::AddFOp::create(kb, l, acc, part).getResult()
                    : part;
        }
        return SmallVector<Value>{acc};
      });
  op.getResult().replaceAllUsesWith(sum->getResult(0));
  op.erase();
}

/// `[..., at : at + count, ...]` of `v` along dimension `dim` (heads: 1
/// for queries, keys and values [T, heads, d], 0 for caches [heads, C, d]).
static Value sliceHeads(OpBuilder &b, Location loc, Value v, Value at,
                        int64_t count, unsigned dim = 1) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<OpFoldResult> offsets(3, b.getIndexAttr(0)), sizes,
      strides(3, b.getIndexAttr(1));
  for (int64_t d : type.getShape())
    sizes.push_back(b.getIndexAttr(d));
  offsets[dim] = at;
  sizes[dim] = b.getIndexAttr(count);
  return tensor::ExtractSliceOp::create(b, loc, v, offsets, sizes, strides);
}

/// `part` written back at heads [at, at + its heads) of `dest` along `dim`.
static Value insertHeads(OpBuilder &b, Location loc, Value part, Value dest,
                         Value at, unsigned dim = 1) {
  auto type = cast<RankedTensorType>(part.getType());
  SmallVector<OpFoldResult> offsets(3, b.getIndexAttr(0)), sizes,
      strides(3, b.getIndexAttr(1));
  for (int64_t d : type.getShape())
    sizes.push_back(b.getIndexAttr(d));
  offsets[dim] = at;
  return tensor::InsertSliceOp::create(b, loc, part, dest, offsets, sizes,
                                       strides);
}

/// Attention split over key/value heads: workgroup g attends the query
/// heads that share kv head g, reading and updating only that head's rows
/// of the caches.
void DispatchFormer::formAttention(AttentionOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto qType = op.getQuery().getType();
  int64_t kvHeads = workgroupCount(op);
  // Each workgroup's cache rows are a contiguous run of the head-major
  // caches ([kv_heads, capacity, head_dim]).
  int64_t group = qType.getDimSize(1) / kvHeads;
  SmallVector<Value> args = {op.getQuery(),    op.getKey(),
                             op.getValue(),    op.getKeyCache(),
                             op.getValueCache(), op.getPosition(),
                             scratch(b, loc, qType)};
  SmallVector<int64_t> tied = {6, 3, 4};
  std::string key =
      kernelKey("attention", args, tied, kvHeads,
                DictionaryAttr::get(op.getContext(), op->getAttrs()));
  Operation *d = dispatch(
      b, loc, "attention", key, args, tied, kvHeads,
      [&](OpBuilder &kb, Location l, ValueRange a, Value g) {
        Value qAt = arith::MulIOp::create(
            kb, l, g, arith::ConstantIndexOp::create(kb, l, group));
        Value q = sliceHeads(kb, l, a[0], qAt, group);
        Value kc = sliceHeads(kb, l, a[3], g, 1, /*dim=*/0);
        auto part = AttentionOp::create(
            kb, l, q.getType(), kc.getType(), kc.getType(), q,
            sliceHeads(kb, l, a[1], g, 1), sliceHeads(kb, l, a[2], g, 1), kc,
            sliceHeads(kb, l, a[4], g, 1, /*dim=*/0), a[5], op.getScaleAttr());
        return SmallVector<Value>{
            insertHeads(kb, l, part.getResult(), a[6], qAt),
            insertHeads(kb, l, part.getNewKeyCache(), a[3], g, /*dim=*/0),
            insertHeads(kb, l, part.getNewValueCache(), a[4], g, /*dim=*/0)};
      });
  op->replaceAllUsesWith(d->getResults());
  op.erase();
}

/// The quantization of one of `op`'s results that can run in `op`'s kernel:
/// that result has no other use.
static QuantizeOp fusibleQuantize(Operation *op) {
  for (Value result : op->getResults())
    if (result.hasOneUse())
      if (auto q = dyn_cast<QuantizeOp>(*result.getUsers().begin()))
        return q;
  return {};
}

/// The ops `op` runs with in one kernel, itself first: the norm of a
/// residual add's sum when that norm comes next, then the quantization of
/// the last op's result when that is the result's only use. The kernel
/// takes the place of the last op, so the chain is cut back until nothing
/// outside it reads one of its results before that point (a reshape of
/// the sum, say).
static SmallVector<Operation *> chainFrom(Operation *op, Operation *next) {
  SmallVector<Operation *> chain = {op};
  if (auto norm = dyn_cast_or_null<RMSNormOp>(next))
    if (isa<arith::AddFOp>(op) && norm.getInput() == op->getResult(0))
      chain.push_back(norm);
  if (!isa<QuantizeOp>(chain.back()))
    if (QuantizeOp q = fusibleQuantize(chain.back()))
      chain.push_back(q);
  auto readEarly = [&] {
    for (Operation *member : chain)
      for (Operation *user : member->getUsers())
        if (!llvm::is_contained(chain, user) &&
            user->isBeforeInBlock(chain.back()))
          return true;
    return false;
  };
  while (chain.size() > 1 && readEarly())
    chain.pop_back();
  return chain;
}

/// Ops that run one after the other as one workgroup, each reading the
/// one before (an op and the quantization of its result; a residual add,
/// the norm of its sum, that norm's quantization): one kernel whose
/// arguments are the values the chain reads from outside, and for each
/// result read outside the chain, the state operand it updates in place
/// (RecurrentStateOpInterface) or scratch.
LogicalResult DispatchFormer::formChain(ArrayRef<Operation *> chain) {
  Operation *first = chain.front();
  OpBuilder b(chain.back());
  Location loc = first->getLoc();
  auto inChain = [&](Operation *op) { return llvm::is_contained(chain, op); };
  SmallVector<Value> args, outs;
  for (Operation *op : chain)
    for (Value v : op->getOperands())
      if (!inChain(v.getDefiningOp()) && !llvm::is_contained(args, v))
        args.push_back(v);
  unsigned numInputs = args.size();
  SmallVector<int64_t> tied;
  for (Operation *op : chain) {
    auto recurrent = dyn_cast<RecurrentStateOpInterface>(op);
    for (Value result : op->getResults()) {
      if (llvm::all_of(result.getUsers(), inChain))
        continue;
      if (!isa<RankedTensorType>(result.getType()))
        return op->emitOpError("has a result that is not a tensor");
      outs.push_back(result);
      int64_t dest = -1;
      if (recurrent)
        for (auto [in, out] : llvm::zip(recurrent.getStateInputs(),
                                        recurrent.getStateResults()))
          if (out == result)
            dest = llvm::find(args, in) - args.begin();
      if (dest < 0) {
        dest = args.size();
        args.push_back(scratch(b, loc, result.getType()));
      }
      tied.push_back(dest);
    }
  }
  std::string name;
  SmallVector<Attribute> attrs;
  for (Operation *op : chain) {
    name += (name.empty() ? "" : "_") +
            (isa<arith::AddFOp>(op) ? std::string("add")
                                    : op->getName().stripDialect().str());
    attrs.push_back(DictionaryAttr::get(op->getContext(), op->getAttrs()));
  }
  std::string key = kernelKey(name, args, tied, 1,
                              ArrayAttr::get(first->getContext(), attrs));
  Operation *d = dispatch(
      b, loc, name, key, args, tied, 1,
      [&](OpBuilder &kb, Location l, ValueRange a, Value) {
        IRMapping map;
        map.map(ArrayRef<Value>(args).take_front(numInputs),
                a.take_front(numInputs));
        for (Operation *op : chain)
          kb.clone(*op, map)->setLoc(l);
        SmallVector<Value> results;
        for (Value out : outs)
          results.push_back(map.lookup(out));
        return results;
      });
  for (auto [out, result] : llvm::zip(outs, d->getResults()))
    out.replaceUsesWithIf(result, [&](OpOperand &use) {
      return !inChain(use.getOwner());
    });
  for (Operation *op : llvm::reverse(chain))
    op->erase();
  return success();
}

LogicalResult DispatchFormer::form(func::FuncOp entry) {
  entry->setAttr("liquid.schedule", UnitAttr::get(entry.getContext()));
  // Collected first: forming a dispatch may absorb the op after it (a
  // quantization fused into its producer).
  SmallVector<Operation *> ops;
  for (Operation &op : entry.getBody().front())
    if (!isa<WeightOp, PackOp, tensor::ExpandShapeOp, tensor::CollapseShapeOp,
             tensor::ExtractSliceOp, func::ReturnOp, arith::ConstantOp>(op))
      ops.push_back(&op);
  DenseSet<Operation *> absorbed;
  for (auto [i, op] : llvm::enumerate(ops)) {
    if (absorbed.contains(op))
      continue;
    if (auto ffn = dyn_cast<FFNOp>(op)) {
      formFFN(ffn);
      continue;
    }
    if (auto attention = dyn_cast<AttentionOp>(op)) {
      formAttention(attention);
      continue;
    }
    if (auto experts = dyn_cast<MoEExpertsOp>(op)) {
      formExperts(experts);
      continue;
    }
    if (auto linear = dyn_cast<LinearOp>(op)) {
      formLinear(linear);
      continue;
    }
    if (isa<LiquidDialect>(op->getDialect()) || isa<arith::AddFOp>(op)) {
      SmallVector<Operation *> chain =
          chainFrom(op, i + 1 < ops.size() ? ops[i + 1] : nullptr);
      absorbed.insert(chain.begin() + 1, chain.end());
      if (failed(formChain(chain)))
        return failure();
      continue;
    }
    return op->emitOpError("cannot be placed in a dispatch");
  }
  // Slices the kernels took over; any other is not a buffer of its own.
  for (auto slice : llvm::make_early_inc_range(
           entry.getBody().front().getOps<tensor::ExtractSliceOp>())) {
    if (!slice->use_empty())
      return slice.emitOpError("is read by the schedule, not by a kernel");
    slice.erase();
  }
  return success();
}

namespace {
struct FormDispatchesPass
    : liquid::impl::FormDispatchesPassBase<FormDispatchesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> entries;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        entries.push_back(func);
    if (entries.empty())
      return;
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto kernels = ModuleOp::create(b, module.getLoc(), StringRef("kernels"));
    DispatchFormer former(module, kernels);
    for (func::FuncOp entry : entries)
      if (failed(former.form(entry)))
        return signalPassFailure();
  }
};
} // namespace
