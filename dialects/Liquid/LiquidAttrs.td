//===- LiquidAttrs.td - Attributes of the liquid dialect -*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_ATTRS_TD
#define LIQUID_ATTRS_TD

include "Liquid/LiquidBase.td"
include "mlir/IR/EnumAttr.td"

def Liquid_TargetAttr : Liquid_Attr<"Target", "target"> {
  let summary = "The machine a module's kernels are generated for";
  let description = [{
    The target description every code generation decision reads. The
    driver (`liquidc --cpu=`) puts it on the top-level module as
    `liquid.target`; passes look it up from any op inside. Nothing else in
    the code generator knows which machine it is working for.

    * `triple`: the LLVM target triple of the code.
    * `cpu`: the LLVM CPU name the code is tuned for.
    * `features`: the instruction-set features the code may use, in LLVM's
      spelling, comma-separated (`avx2,fma,avx512f,avx512vnni`).
    * `vector_bits`: the width of the vector registers the kernels are
      shaped for (512 with AVX-512, 256 with AVX2, 128 otherwise). Weight
      panels hold `vector_bits / 32` rows: one 32-bit lane per row.
    * `vector_registers`: how many such registers there are (32 with
      AVX-512, 16 with AVX2); register tiles are sized to fit them.

    ```mlir
    module attributes {liquid.target = #liquid.target<triple = "x86_64-unknown-linux-gnu",
        cpu = "znver5", features = "avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni",
        vector_bits = 512, vector_registers = 32>} {
    }
    ```
  }];
  let parameters = (ins StringRefParameter<"LLVM target triple">:$triple,
                        StringRefParameter<"LLVM CPU name">:$cpu,
                        StringRefParameter<"comma-separated features">:$features,
                        "unsigned":$vector_bits,
                        "unsigned":$vector_registers);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// True when `feature` (LLVM spelling, no sign) is in `features`.
    bool hasFeature(::llvm::StringRef feature) const;
    /// The 32-bit lanes of one vector register: the rows of a weight panel.
    int64_t getLanes() const { return getVectorBits() / 32; }
    /// The description on the nearest enclosing op that carries one
    /// (`liquid.target`), or a portable default (128-bit vectors, no
    /// features) when none does.
    static TargetAttr lookup(::mlir::Operation *op);
  }];
}

def Liquid_StateKind : I32EnumAttr<"StateKind",
    "what a state buffer of an entry point holds", [
    I32EnumAttrCase<"Conv", 0, "conv">,
    I32EnumAttrCase<"KeyCache", 1, "key_cache">,
    I32EnumAttrCase<"ValueCache", 2, "value_cache">,
    I32EnumAttrCase<"Cell", 3, "cell">]> {
  let cppNamespace = "::mlir::liquid";
  let genSpecializedAttr = 0;
}

def Liquid_StateAttr : Liquid_Attr<"State", "state"> {
  let summary = "Which recurrent state an entry point argument or result is";
  let description = [{
    Tags an entry point's state arguments and the results that update them
    (`liquid.state`): what the buffer holds (`conv`: a short convolution's
    window, `key_cache` / `value_cache`: an attention layer's caches,
    `cell`: a recurrent cell's state) and the layer it belongs to. Result
    and argument with the same attribute are the same buffer. The memory
    plan and the artifact take the state's kind and layer from here; its
    name (`getName()`, `layers.<layer>.<kind>`) is only a label.

    ```mlir
    func.func @decode(%t: tensor<1xi32>, %p: index,
                      %kc: tensor<8x4096x64xf32> {liquid.state = #liquid.state<key_cache, layer = 2>})
        -> (tensor<1x65536xf32>, tensor<8x4096x64xf32> {liquid.state = #liquid.state<key_cache, layer = 2>})
    ```
  }];
  let parameters = (ins EnumParameter<Liquid_StateKind>:$kind,
                        "unsigned":$layer);
  let assemblyFormat = "`<` $kind `,` `layer` `=` $layer `>`";
  let extraClassDeclaration = [{
    /// `layers.<layer>.<kind>`: the state's label in the artifact and in
    /// the names of values.
    std::string getName() const;
  }];
}

def Liquid_LayerKind : I32EnumAttr<"LayerKind",
    "the operator that mixes tokens in a decoder layer", [
    I32EnumAttrCase<"Conv", 0, "conv">,
    I32EnumAttrCase<"Attention", 1, "attention">]> {
  let cppNamespace = "::mlir::liquid";
  let genSpecializedAttr = 0;
}

def Liquid_LayerKindsParameter
    : ArrayRefParameter<"::mlir::liquid::LayerKind", "layer operators"> {
  let printer = [{
    $_printer << '[';
    ::llvm::interleaveComma($_self, $_printer);
    $_printer << ']';
  }];
  let parser = [{ ::mlir::liquid::parseLayerKinds($_parser) }];
}

def Liquid_ModelAttr : Liquid_Attr<"Model", "model"> {
  let summary = "What a module computes: the model's architecture and sizes";
  let description = [{
    The facts of the imported model that are not in any type: the importer
    puts it on the top-level module as `liquid.model`, and the artifact
    writer serializes the artifact's model table from it (nothing after the
    import reads the checkpoint's configuration).

    * `architecture`: the GGUF architecture name, `lfm2` or `lfm2moe`.
    * `vocab_size`, `hidden_size`: the embedding table's shape.
    * `layers`: each decoder layer's operator, `conv` or `attention`.
    * `heads`, `kv_heads`, `head_dim`: the attention layers' shape.
    * `ffn_size`: the dense SwiGLU's hidden size.
    * `conv_length`: the short convolution's window.
    * `norm_eps`, `rope_theta`: RMSNorm's epsilon and RoPE's base.
    * `max_context`: the KV caches' capacity in tokens.
    * `tied_embeddings`: whether the output head is the embedding table.
    * `bos_token_id`, `eos_token_id`, `pad_token_id`: special tokens.
    * `experts`, `experts_per_token`, `expert_ffn_size`, `dense_layers`:
      the routed feed-forward of `lfm2moe` (layers from `dense_layers` on);
      absent (0) for a dense model.

    ```mlir
    module attributes {liquid.model = #liquid.model<architecture = "lfm2",
        vocab_size = 1024, hidden_size = 256,
        layers = [conv, conv, attention, conv, conv, attention], heads = 4,
        kv_heads = 2, head_dim = 64, ffn_size = 768, conv_length = 3,
        norm_eps = 1.0E-5 : f32, rope_theta = 1.0E+6 : f64,
        max_context = 4096, tied_embeddings = true, bos_token_id = 1,
        eos_token_id = 7, pad_token_id = 0>} {
    }
    ```
  }];
  let parameters = (ins
      StringRefParameter<"GGUF architecture name">:$architecture,
      "int64_t":$vocab_size,
      "int64_t":$hidden_size,
      Liquid_LayerKindsParameter:$layers,
      "int64_t":$heads,
      "int64_t":$kv_heads,
      "int64_t":$head_dim,
      "int64_t":$ffn_size,
      "int64_t":$conv_length,
      "::mlir::FloatAttr":$norm_eps,
      "::mlir::FloatAttr":$rope_theta,
      "int64_t":$max_context,
      "::mlir::BoolAttr":$tied_embeddings,
      "int64_t":$bos_token_id,
      "int64_t":$eos_token_id,
      "int64_t":$pad_token_id,
      DefaultValuedParameter<"int64_t", "0">:$experts,
      DefaultValuedParameter<"int64_t", "0">:$experts_per_token,
      DefaultValuedParameter<"int64_t", "0">:$expert_ffn_size,
      DefaultValuedParameter<"int64_t", "0">:$dense_layers);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    bool isMoE() const { return getExperts() > 0; }
    /// Whether layer `i` feeds forward through the routed experts.
    bool isMoELayer(int64_t i) const {
      return isMoE() && i >= getDenseLayers();
    }
    /// The description on the top-level module that encloses `op`, or null.
    static ModelAttr lookup(::mlir::Operation *op);
  }];
}

#endif // LIQUID_ATTRS_TD
