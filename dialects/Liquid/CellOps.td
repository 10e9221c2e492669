//===- CellOps.td - MIT liquid recurrent cells: CfC and LTC -*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The closed-form continuous-time cell (CfC) and the liquid time-constant
// cell (LTC) of mlech26l/ncps, each applied over a whole input sequence with
// its hidden state as an explicit operand and result.
//
//===----------------------------------------------------------------------===//

#ifndef LIQUID_CELL_OPS_TD
#define LIQUID_CELL_OPS_TD

include "Liquid/LiquidBase.td"
include "Liquid/LiquidInterfaces.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Liquid_CfCMode : I32EnumAttr<"CfCMode", "CfC cell mode", [
    I32EnumAttrCase<"Default", 0, "default">,
    I32EnumAttrCase<"Pure", 1, "pure">,
    I32EnumAttrCase<"NoGate", 2, "no_gate">]> {
  let cppNamespace = "::mlir::liquid";
}

def Liquid_Activation_Kind : I32EnumAttr<"ActivationKind",
    "backbone activation", [
    I32EnumAttrCase<"LeCunTanh", 0, "lecun_tanh">,
    I32EnumAttrCase<"Tanh", 1, "tanh">,
    I32EnumAttrCase<"ReLU", 2, "relu">,
    I32EnumAttrCase<"SiLU", 3, "silu">,
    I32EnumAttrCase<"GELU", 4, "gelu">]> {
  let cppNamespace = "::mlir::liquid";
}

def Liquid_CfCOp : Liquid_Op<"cfc", [Pure, AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<Liquid_RecurrentStateOpInterface>]> {
  let summary = "Closed-form continuous-time (CfC) cell over a sequence";
  let description = [{
    Runs ncps' `CfCCell` over `input` `[T, S]` from `initial_state` `[N]`,
    returning every step's hidden state `[T, N]` and the last one `[N]`.
    Per step, with `h` the previous state and `ts` the step's time span
    (`timespans[t]` if given, else the `time_span` attribute):

    ```
    z = concat(input[t], h)                             // [S + N]
    z = act(W_i z + b_i)   for each backbone layer i     // act: lecun_tanh = 1.7159 tanh(0.666 x)
    f1 = ff1_w z + ff1_b
    pure:     h' = -A * exp(-ts * (|tau| + |f1|)) * f1 + A
    default:  f2 = tanh(ff2_w z + ff2_b); f1 = tanh(f1)
              g = sigmoid((ta_w z + ta_b) * ts + tb_w z + tb_b)
              h' = f1 * (1 - g) + g * f2
    no_gate:  as default but h' = f1 + g * f2
    ```

    The backbone is a list of (weight `[U, in]`, bias `[U]`) pairs; it may be
    empty. `ff2` and `time` (time_a weight/bias, time_b weight/bias) are
    present for `default` and `no_gate`; `pure` takes `tau` and `A` (`[N]`).

    ```mlir
    %out, %h = liquid.cfc(%x, %h0) mode(default) activation(lecun_tanh)
        backbone(%bw, %bb) ff1(%w1, %b1) ff2(%w2, %b2)
        time(%taw, %tab, %tbw, %tbb) {time_span = 1.0 : f64}
        : (tensor<16x4xf32>, tensor<8xf32>, tensor<32x12xf32>, tensor<32xf32>,
           tensor<8x32xf32>, tensor<8xf32>, tensor<8x32xf32>, tensor<8xf32>,
           tensor<8x32xf32>, tensor<8xf32>, tensor<8x32xf32>, tensor<8xf32>)
          -> (tensor<16x8xf32>, tensor<8xf32>)
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32], [HasAnyRankOfPred<[2]>]>:$input,
                       1DTensorOf<[F32]>:$initial_state,
                       Optional<1DTensorOf<[F32]>>:$timespans,
                       Variadic<Liquid_FloatWeight>:$backbone,
                       Liquid_FloatWeight:$ff1_weight,
                       Liquid_FloatWeight:$ff1_bias,
                       Optional<Liquid_FloatWeight>:$ff2_weight,
                       Optional<Liquid_FloatWeight>:$ff2_bias,
                       Optional<Liquid_FloatWeight>:$time_a_weight,
                       Optional<Liquid_FloatWeight>:$time_a_bias,
                       Optional<Liquid_FloatWeight>:$time_b_weight,
                       Optional<Liquid_FloatWeight>:$time_b_bias,
                       Optional<Liquid_FloatWeight>:$tau,
                       Optional<Liquid_FloatWeight>:$amplitude,
                       Liquid_CfCMode:$mode,
                       Liquid_Activation_Kind:$activation,
                       F64Attr:$time_span);
  let results = (outs RankedTensorOf<[F32], [HasAnyRankOfPred<[2]>]>:$outputs,
                      1DTensorOf<[F32]>:$final_state);
  let assemblyFormat = [{
    `(` $input `,` $initial_state `)`
    `mode` `(` $mode `)` `activation` `(` $activation `)`
    (`timespans` `(` $timespans^ `)`)?
    `backbone` `(` $backbone `)`
    `ff1` `(` $ff1_weight `,` $ff1_bias `)`
    (`ff2` `(` $ff2_weight^ `,` $ff2_bias `)`)?
    (`time` `(` $time_a_weight^ `,` $time_a_bias `,` $time_b_weight `,`
     $time_b_bias `)`)?
    (`pure` `(` $tau^ `,` $amplitude `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Liquid_LTCOp : Liquid_Op<"ltc", [Pure,
    DeclareOpInterfaceMethods<Liquid_RecurrentStateOpInterface>]> {
  let summary = "Liquid time-constant (LTC) cell over a sequence";
  let description = [{
    Runs ncps' `LTCCell` over `input` `[T, S]` from `initial_state` `[N]`
    (membrane potentials), returning each step's motor output `[T, M]`
    (`M <= N`, the first M neurons) and the last state `[N]`. With
    `f = softplus` if `implicit_constraints` else the identity, and
    `sig(v, mu, s)[i, j] = sigmoid(s[i, j] * (v[i] - mu[i, j]))`:

    ```
    x = input[t] * input_w + input_b
    sa = f(sensory_w) * sig(x, sensory_mu, sensory_sigma) * sensory_mask
    num_s = sum_i sa * sensory_erev;  den_s = sum_i sa
    cm_t = f(cm) / (elapsed_time / ode_unfolds)
    repeat ode_unfolds times:
      a = f(w) * sig(v, mu, sigma) * mask
      num = sum_i a * erev + num_s;  den = sum_i a + den_s
      v = (cm_t v + f(gleak) vleak + num) / (cm_t + f(gleak) + den + epsilon)
    output[t] = v[:M] * output_w + output_b
    ```

    Shapes: `leak(gleak, vleak, cm)` `[N]`; `synapse(sigma, mu, w, erev,
    mask)` `[N, N]`; `sensory(sigma, mu, w, erev, mask)` `[S, N]`;
    `input_map(w, b)` `[S]`; `output_map(w, b)` `[M]`.

    ```mlir
    %out, %v = liquid.ltc(%x, %v0) leak(%gl, %vl, %cm) synapse(%s, %mu, %w, %e, %m)
        sensory(%ss, %smu, %sw, %se, %sm) input_map(%iw, %ib) output_map(%ow, %ob)
        {ode_unfolds = 6 : i64, elapsed_time = 1.0 : f64, epsilon = 1.0e-08 : f64,
         implicit_constraints = true}
        : (tensor<16x3xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
           tensor<8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>,
           tensor<8x8xf32>, tensor<8x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>,
           tensor<3x8xf32>, tensor<3x8xf32>, tensor<3x8xf32>, tensor<3xf32>,
           tensor<3xf32>, tensor<2xf32>, tensor<2xf32>)
          -> (tensor<16x2xf32>, tensor<8xf32>)
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32], [HasAnyRankOfPred<[2]>]>:$input,
                       1DTensorOf<[F32]>:$initial_state,
                       Liquid_FloatWeight:$gleak, Liquid_FloatWeight:$vleak,
                       Liquid_FloatWeight:$cm,
                       Liquid_FloatWeight:$sigma, Liquid_FloatWeight:$mu,
                       Liquid_FloatWeight:$w, Liquid_FloatWeight:$erev,
                       Liquid_FloatWeight:$mask,
                       Liquid_FloatWeight:$sensory_sigma,
                       Liquid_FloatWeight:$sensory_mu,
                       Liquid_FloatWeight:$sensory_w,
                       Liquid_FloatWeight:$sensory_erev,
                       Liquid_FloatWeight:$sensory_mask,
                       Liquid_FloatWeight:$input_w, Liquid_FloatWeight:$input_b,
                       Liquid_FloatWeight:$output_w, Liquid_FloatWeight:$output_b,
                       ConfinedAttr<I64Attr, [IntPositive]>:$ode_unfolds,
                       F64Attr:$elapsed_time, F64Attr:$epsilon,
                       BoolAttr:$implicit_constraints);
  let results = (outs RankedTensorOf<[F32], [HasAnyRankOfPred<[2]>]>:$outputs,
                      1DTensorOf<[F32]>:$final_state);
  let assemblyFormat = [{
    `(` $input `,` $initial_state `)`
    `leak` `(` $gleak `,` $vleak `,` $cm `)`
    `synapse` `(` $sigma `,` $mu `,` $w `,` $erev `,` $mask `)`
    `sensory` `(` $sensory_sigma `,` $sensory_mu `,` $sensory_w `,`
                 $sensory_erev `,` $sensory_mask `)`
    `input_map` `(` $input_w `,` $input_b `)`
    `output_map` `(` $output_w `,` $output_b `)`
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // LIQUID_CELL_OPS_TD
