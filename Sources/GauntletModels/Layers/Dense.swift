import GauntletCore

/// Fully connected layer `y = x·Wᵀ + b`.
///
/// The weight is stored **`[out, in]`** (PyTorch's `nn.Linear` layout), so PyTorch weights import
/// without a transpose; the forward pass is one GEMM with `transB`. Any per-sample input shape is
/// flattened to `in` features.
///
/// ```swift
/// let model = try ModelSpec(parsing: "mlp:64-128-10").build(on: backend, seed: 1)
/// let dense = model.layers[0] as! Dense   // weight [128, 64], bias [128]
/// ```
public final class Dense: Layer {
  public let spec: LayerSpec
  public let inputShape: [Int]
  public let outputShape: [Int]
  public let inputs: Int
  public let outputs: Int
  public let weight: Parameter
  public let bias: Parameter
  public var parameters: [Parameter] { [weight, bias] }
  let backend: Backend
  private var cachedInput: Tensor?
  private let ones = OnesVector()

  init(inputShape: [Int], units: Int, index: Int, initializer: WeightInit, key: PhiloxKey,
       on backend: Backend) throws {
    let inputs = inputShape.reduce(1, *)
    guard units > 0, inputs > 0 else {
      throw GauntletError.invalidArgument(name: "dense", detail: "needs positive sizes, got \(inputs) → \(units)")
    }
    self.spec = .dense(units: units)
    self.inputShape = inputShape
    self.outputShape = [units]
    self.inputs = inputs
    self.outputs = units
    self.backend = backend
    weight = try Parameter(name: "layers.\(index).weight", shape: [units, inputs], on: backend)
    bias = try Parameter(name: "layers.\(index).bias", shape: [units], on: backend)
    try initializer.fill(weight.value, count: units * inputs, fanIn: inputs, fanOut: units, key: key, on: backend)
  }

  public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
    let b = try checkInput(x, backend, "Dense.forward")
    let y = try backend.makeBuffer(count: b * outputs)
    if b > 0 {
      try backend.gemm(x.buffer, weight.value, into: y,
                       GemmShape(m: b, n: outputs, k: inputs, transB: true))
      try backend.broadcast(.add, y, bias.value, into: y, rows: b, cols: outputs, axis: .row)
    }
    cachedInput = mode.recordForBackward ? x : nil
    return try Tensor(buffer: y, shape: [b, outputs], on: backend)
  }

  public func backward(_ gradOutput: Tensor, parameterGradients: Bool) throws -> Tensor {
    let b = try checkGradient(gradOutput, batch: cachedInput?.shape[0], "Dense.backward")
    guard let x = cachedInput else { throw GauntletError.invalidArgument(name: "backward", detail: "no cache") }
    let g = gradOutput.buffer
    if parameterGradients && b == 0 {
      try backend.fill(weight.gradient, value: 0, offset: 0, count: weight.count)
      try backend.fill(bias.gradient, value: 0, offset: 0, count: bias.count)
    } else if parameterGradients {
      // dW[out, in] = dYᵀ·X ;  db = 1ᵀ·dY
      try backend.gemm(g, x.buffer, into: weight.gradient,
                       GemmShape(m: outputs, n: inputs, k: b, transA: true))
      try backend.gemm(try ones.get(b, on: backend), g, into: bias.gradient,
                       GemmShape(m: 1, n: outputs, k: b))
    }
    let dx = try backend.makeBuffer(count: b * inputs)
    if b > 0 {
      try backend.gemm(g, weight.value, into: dx, GemmShape(m: b, n: inputs, k: outputs))
    }
    return try Tensor(buffer: dx, shape: [b] + inputShape, on: backend)
  }

  public func clearCache() { cachedInput = nil }
}
