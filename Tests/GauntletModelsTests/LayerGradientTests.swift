import Testing
import Gauntlet

/// Layer gradients (inputs and parameters) against central finite differences, h = 1e-2 in
/// float32. Tolerance per entry: |analytic − numeric| ≤ 2e-3 + 2e-2·|numeric| (rounding of the
/// float32 forward pass contributes ~1e-7·|L|/h ≈ 1e-4; the smooth activations' truncation error
/// is O(h²)). Piecewise-linear layers are tested on inputs kept ≥ 0.1 away from kinks.
@Suite("Layer gradients vs finite differences")
struct LayerGradientTests {
  func check(_ spec: ModelSpec, batch: Int = 3, x: [Float]? = nil, seed: UInt64 = 1) throws {
    let be = testBackend()
    let model = try spec.build(on: be, seed: seed)
    let shape = [batch] + spec.inputShape
    let n = shape.reduce(1, *)
    let input = x ?? valuesAwayFromZero(n, seed: seed + 100)
    let (inp, par) = try checkModelGradients(model, x: input, shape: shape)
    #expect(inp.checked == n)
    #expect(inp.worst <= 1, "input gradient off at \(inp.worstIndex): ratio \(inp.worst)")
    #expect(par.worst <= 1, "parameter gradient off at \(par.worstIndex): ratio \(par.worst)")
    if !model.parameters.isEmpty { #expect(par.checked > 0) }
  }

  @Test func dense() throws {
    try check(ModelSpec(inputShape: [7], layers: [.dense(units: 5)]))
  }

  @Test func denseStackWithRelu() throws {
    // Weights fixed by the seed; inputs away from 0 keep hidden units away from the kink at 0
    // for this seed (a kink inside ±h would show up as a failure, not pass silently).
    try check(ModelSpec(inputShape: [6], layers: [.dense(units: 8), .relu, .dense(units: 4)]), seed: 3)
  }

  @Test func conv2dPadded() throws {
    try check(ModelSpec(inputShape: [2, 5, 5], layers: [.conv2d(filters: 3, kernel: 3, stride: 1, padding: 1), .flatten]))
  }

  @Test func conv2dStrided() throws {
    try check(ModelSpec(inputShape: [3, 7, 6], layers: [.conv2d(filters: 2, kernel: 3, stride: 2, padding: 0), .flatten]),
              batch: 2)
  }

  @Test func conv2dSingleSample() throws {
    try check(ModelSpec(inputShape: [1, 4, 4], layers: [.conv2d(filters: 2, kernel: 2), .flatten]), batch: 1)
  }

  @Test func maxPool() throws {
    // Distinct values at least 0.1 apart: a ±h step never changes a window's argmax.
    let n = 2 * 2 * 6 * 6
    let perm = Shuffle.permutation(count: n, key: PhiloxKey(seed: 4))
    let x = perm.map { Float($0) * 0.1 - 3.5 }
    try check(ModelSpec(inputShape: [2, 6, 6], layers: [.maxPool(size: 2, stride: 2), .flatten]), batch: 2, x: x)
    try check(ModelSpec(inputShape: [2, 6, 6], layers: [.maxPool(size: 3, stride: 1), .flatten]), batch: 2, x: x)
  }

  @Test func avgPool() throws {
    try check(ModelSpec(inputShape: [2, 6, 6], layers: [.avgPool(size: 2, stride: 2), .flatten]))
    try check(ModelSpec(inputShape: [1, 5, 5], layers: [.avgPool(size: 3, stride: 1), .flatten]))
  }

  @Test(arguments: [LayerSpec.relu, .leakyRelu(slope: 0.1), .sigmoid, .tanh])
  func activation(_ layer: LayerSpec) throws {
    try check(ModelSpec(inputShape: [9], layers: [layer]), batch: 4)
    // Also behind a Dense layer, so parameter gradients pass through the activation.
    try check(ModelSpec(inputShape: [5], layers: [.dense(units: 6), layer, .dense(units: 3)]), seed: 11)
  }

  @Test func smoothCNN() throws {
    try check(ModelSpec(inputShape: [1, 6, 6], layers: [
      .conv2d(filters: 3, kernel: 3, stride: 1, padding: 1), .tanh, .avgPool(size: 2, stride: 2),
      .conv2d(filters: 2, kernel: 2, stride: 1, padding: 0), .sigmoid, .flatten, .dense(units: 4),
    ]), batch: 2)
  }

  @Test func dropoutMaskGradient() throws {
    // In training mode the output is x ⊙ mask; the gradient is g ⊙ mask with the same mask.
    let be = testBackend()
    let model = try ModelSpec(inputShape: [40], layers: [.dropout(rate: 0.25)]).build(on: be, seed: 9)
    let x = values(80, seed: 3)
    let dropout = try #require(model.layers[0] as? Dropout)
    let y = try model.forward(Tensor(x, shape: [2, 40], on: be),
                              mode: ForwardMode(training: true, recordForBackward: true)).toArray()
    let g = values(80, seed: 4)
    let dx = try model.backward(gradLogits: Tensor(g, shape: [2, 40], on: be)).toArray()
    let u = Philox.fill(.uniform(lo: 0, hi: 1), key: dropout.key, counter: 0, count: 80)
    var kept = 0
    for i in 0..<80 {
      let m: Float = u[i] > 0.25 ? 1 / 0.75 : 0
      if m > 0 { kept += 1 }
      #expect(abs(y[i] - x[i] * m) <= 1e-6)
      #expect(abs(dx[i] - g[i] * m) <= 1e-6)
    }
    #expect(kept > 40 && kept < 80)
    #expect(dropout.counter == 20)
    // Inference: identity.
    #expect(try model.logits(Tensor(x, shape: [2, 40], on: be)).toArray() == x)
  }
}
