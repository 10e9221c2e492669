// An LTC (liquid time-constant) network written by hand in liquid IR, the
// shape of ncps' LTC with a fully connected wiring: 3 sensory inputs, 6
// neurons of which the first 2 are motor outputs, 6 ODE unfolds per step,
// softplus-constrained parameters, and a sequence of 20 steps. The membrane
// potentials are the explicit state.

liquid.param @ltc.gleak : tensor<6xf32>
liquid.param @ltc.vleak : tensor<6xf32>
liquid.param @ltc.cm : tensor<6xf32>
liquid.param @ltc.sigma : tensor<6x6xf32>
liquid.param @ltc.mu : tensor<6x6xf32>
liquid.param @ltc.w : tensor<6x6xf32>
liquid.param @ltc.erev : tensor<6x6xf32>
liquid.param @ltc.sparsity_mask : tensor<6x6xf32>
liquid.param @ltc.sensory_sigma : tensor<3x6xf32>
liquid.param @ltc.sensory_mu : tensor<3x6xf32>
liquid.param @ltc.sensory_w : tensor<3x6xf32>
liquid.param @ltc.sensory_erev : tensor<3x6xf32>
liquid.param @ltc.sensory_sparsity_mask : tensor<3x6xf32>
liquid.param @ltc.input_w : tensor<3xf32>
liquid.param @ltc.input_b : tensor<3xf32>
liquid.param @ltc.output_w : tensor<2xf32>
liquid.param @ltc.output_b : tensor<2xf32>

func.func @forward(%x: tensor<20x3xf32>, %v0: tensor<6xf32>)
    -> (tensor<20x2xf32>, tensor<6xf32>) {
  %gleak = liquid.weight @ltc.gleak : tensor<6xf32>
  %vleak = liquid.weight @ltc.vleak : tensor<6xf32>
  %cm = liquid.weight @ltc.cm : tensor<6xf32>
  %sigma = liquid.weight @ltc.sigma : tensor<6x6xf32>
  %mu = liquid.weight @ltc.mu : tensor<6x6xf32>
  %w = liquid.weight @ltc.w : tensor<6x6xf32>
  %erev = liquid.weight @ltc.erev : tensor<6x6xf32>
  %mask = liquid.weight @ltc.sparsity_mask : tensor<6x6xf32>
  %ssigma = liquid.weight @ltc.sensory_sigma : tensor<3x6xf32>
  %smu = liquid.weight @ltc.sensory_mu : tensor<3x6xf32>
  %sw = liquid.weight @ltc.sensory_w : tensor<3x6xf32>
  %serev = liquid.weight @ltc.sensory_erev : tensor<3x6xf32>
  %smask = liquid.weight @ltc.sensory_sparsity_mask : tensor<3x6xf32>
  %iw = liquid.weight @ltc.input_w : tensor<3xf32>
  %ib = liquid.weight @ltc.input_b : tensor<3xf32>
  %ow = liquid.weight @ltc.output_w : tensor<2xf32>
  %ob = liquid.weight @ltc.output_b : tensor<2xf32>
  %y, %v = liquid.ltc(%x, %v0) leak(%gleak, %vleak, %cm)
      synapse(%sigma, %mu, %w, %erev, %mask)
      sensory(%ssigma, %smu, %sw, %serev, %smask)
      input_map(%iw, %ib) output_map(%ow, %ob)
      {ode_unfolds = 6 : i64, elapsed_time = 1.0 : f64, epsilon = 1.0e-8 : f64,
       implicit_constraints = true}
      : (tensor<20x3xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>,
         tensor<6xf32>, tensor<6x6xf32>, tensor<6x6xf32>, tensor<6x6xf32>,
         tensor<6x6xf32>, tensor<6x6xf32>, tensor<3x6xf32>, tensor<3x6xf32>,
         tensor<3x6xf32>, tensor<3x6xf32>, tensor<3x6xf32>, tensor<3xf32>,
         tensor<3xf32>, tensor<2xf32>, tensor<2xf32>)
      -> (tensor<20x2xf32>, tensor<6xf32>)
  return %y, %v : tensor<20x2xf32>, tensor<6xf32>
}
