//===- LiquidAttrs.cpp - Target, state and model attributes ---------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements #liquid.target (its verifier, feature queries and
// the lookup every code generation pass uses to find it), the label of
// #liquid.state, and the layer list parser, verifier and lookup of
// #liquid.model.
//
//===----------------------------------------------------------------------===//

#include "liquid/Dialect/Liquid/LiquidOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::liquid;

#define GET_ATTRDEF_CLASSES
#include "liquid/Dialect/Liquid/LiquidAttrs.cpp.inc"

void LiquidDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "liquid/Dialect/Liquid/LiquidAttrs.cpp.inc"
      >();
}

std::string StateAttr::getName() const {
  return ("layers." + llvm::Twine(getLayer()) + "." +
          stringifyStateKind(getKind()))
      .str();
}

LogicalResult TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 StringRef triple, StringRef cpu,
                                 StringRef features, unsigned vectorBits,
                                 unsigned vectorRegisters) {
  if (vectorBits != 128 && vectorBits != 256 && vectorBits != 512)
    return emitError() << "vector_bits must be 128, 256 or 512, got "
                       << vectorBits;
  if (vectorRegisters < 8 || vectorRegisters > 64)
    return emitError() << "vector_registers must be in [8, 64], got "
                       << vectorRegisters;
  return success();
}

bool TargetAttr::hasFeature(StringRef feature) const {
  SmallVector<StringRef> list;
  getFeatures().split(list, ',', -1, /*KeepEmpty=*/false);
  return llvm::is_contained(list, feature);
}

TargetAttr TargetAttr::lookup(Operation *op) {
  MLIRContext *context = op->getContext();
  for (; op; op = op->getParentOp())
    if (auto target = op->getAttrOfType<TargetAttr>("liquid.target"))
      return target;
  return TargetAttr::get(context, "", "generic", "", 128, 16);
}

FailureOr<SmallVector<LayerKind>>
mlir::liquid::parseLayerKinds(AsmParser &parser) {
  SmallVector<LayerKind> kinds;
  auto one = [&]() -> ParseResult {
    SMLoc at = parser.getCurrentLocation();
    StringRef word;
    if (parser.parseKeyword(&word))
      return failure();
    std::optional<LayerKind> kind = symbolizeLayerKind(word);
    if (!kind)
      return parser.emitError(at) << "unknown layer kind '" << word
                                  << "' (expected conv or attention)";
    kinds.push_back(*kind);
    return success();
  };
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, one))
    return failure();
  return kinds;
}

LogicalResult ModelAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, StringRef architecture,
    int64_t vocabSize, int64_t hiddenSize, ArrayRef<LayerKind> layers,
    int64_t heads, int64_t kvHeads, int64_t headDim, int64_t ffnSize,
    int64_t convLength, FloatAttr normEps, FloatAttr ropeTheta,
    int64_t maxContext, BoolAttr tiedEmbeddings, int64_t bosTokenId,
    int64_t eosTokenId, int64_t padTokenId, int64_t experts,
    int64_t expertsPerToken, int64_t expertFfnSize, int64_t denseLayers) {
  if (architecture != "lfm2" && architecture != "lfm2moe")
    return emitError() << "unknown architecture '" << architecture << "'";
  if (layers.empty())
    return emitError() << "a model needs at least one layer";
  for (auto [name, value] :
       {std::pair<StringRef, int64_t>{"vocab_size", vocabSize},
        {"hidden_size", hiddenSize},
        {"heads", heads},
        {"kv_heads", kvHeads},
        {"head_dim", headDim},
        {"ffn_size", ffnSize},
        {"conv_length", convLength},
        {"max_context", maxContext}})
    if (value <= 0)
      return emitError() << name << " must be positive, got " << value;
  if (heads % kvHeads)
    return emitError() << "heads (" << heads
                       << ") must be a multiple of kv_heads (" << kvHeads
                       << ")";
  bool moe = architecture == "lfm2moe";
  if (moe != (experts > 0))
    return emitError() << (moe ? "lfm2moe needs experts"
                               : "only lfm2moe has experts");
  if (moe && (expertsPerToken <= 0 || expertsPerToken > experts ||
              expertFfnSize <= 0 || denseLayers < 0 ||
              denseLayers > int64_t(layers.size())))
    return emitError() << "experts_per_token must be in [1, experts], "
                          "expert_ffn_size positive and dense_layers in [0, "
                       << layers.size() << "]";
  return success();
}

ModelAttr ModelAttr::lookup(Operation *op) {
  for (; op; op = op->getParentOp())
    if (auto model = op->getAttrOfType<ModelAttr>("liquid.model"))
      return model;
  return {};
}
