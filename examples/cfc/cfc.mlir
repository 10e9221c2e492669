// A CfC (closed-form continuous-time) network written by hand in liquid IR:
// 2 input features, one 16-unit lecun_tanh backbone layer, 8 hidden units,
// default (gated) mode, a sequence of 32 irregularly sampled steps and a
// linear read-out to 1 output. Weights are declared by name, as a checkpoint
// would provide them; the hidden state is an explicit argument and result,
// so a caller can stream a long series through in pieces.

liquid.param @cfc.backbone.0.weight : tensor<16x10xf32>
liquid.param @cfc.backbone.0.bias : tensor<16xf32>
liquid.param @cfc.ff1.weight : tensor<8x16xf32>
liquid.param @cfc.ff1.bias : tensor<8xf32>
liquid.param @cfc.ff2.weight : tensor<8x16xf32>
liquid.param @cfc.ff2.bias : tensor<8xf32>
liquid.param @cfc.time_a.weight : tensor<8x16xf32>
liquid.param @cfc.time_a.bias : tensor<8xf32>
liquid.param @cfc.time_b.weight : tensor<8x16xf32>
liquid.param @cfc.time_b.bias : tensor<8xf32>
liquid.param @readout.weight : tensor<1x8xf32>

func.func @forward(%x: tensor<32x2xf32>, %dt: tensor<32xf32>, %h0: tensor<8xf32>)
    -> (tensor<32x1xf32>, tensor<8xf32>) {
  %bw = liquid.weight @cfc.backbone.0.weight : tensor<16x10xf32>
  %bb = liquid.weight @cfc.backbone.0.bias : tensor<16xf32>
  %w1 = liquid.weight @cfc.ff1.weight : tensor<8x16xf32>
  %b1 = liquid.weight @cfc.ff1.bias : tensor<8xf32>
  %w2 = liquid.weight @cfc.ff2.weight : tensor<8x16xf32>
  %b2 = liquid.weight @cfc.ff2.bias : tensor<8xf32>
  %taw = liquid.weight @cfc.time_a.weight : tensor<8x16xf32>
  %tab = liquid.weight @cfc.time_a.bias : tensor<8xf32>
  %tbw = liquid.weight @cfc.time_b.weight : tensor<8x16xf32>
  %tbb = liquid.weight @cfc.time_b.bias : tensor<8xf32>
  %hs, %h = liquid.cfc(%x, %h0) mode(default) activation(lecun_tanh)
      timespans(%dt) backbone(%bw, %bb) ff1(%w1, %b1) ff2(%w2, %b2)
      time(%taw, %tab, %tbw, %tbb) {time_span = 1.0 : f64}
      : (tensor<32x2xf32>, tensor<8xf32>, tensor<32xf32>, tensor<16x10xf32>,
         tensor<16xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<8x16xf32>,
         tensor<8xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<8x16xf32>,
         tensor<8xf32>) -> (tensor<32x8xf32>, tensor<8xf32>)
  %ro = liquid.weight @readout.weight : tensor<1x8xf32>
  %y = liquid.linear %hs, %ro : tensor<32x8xf32>, tensor<1x8xf32> -> tensor<32x1xf32>
  return %y, %h : tensor<32x1xf32>, tensor<8xf32>
}
