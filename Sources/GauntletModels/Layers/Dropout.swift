import GauntletCore

/// Inverted dropout (Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks from
/// Overfitting", JMLR 2014): in training, each element is kept with probability `1 − rate` and
/// scaled by `1 / (1 − rate)`; in inference it is the identity.
///
/// The mask is drawn on the device from Philox: element `i` of forward pass `n` uses uniform
/// `u` from the layer's key, and is kept when `u > rate`. `counter` advances by one block per four
/// elements after every training forward, so a seed reproduces the whole run on any backend.
public final class Dropout: Layer {
  public let inputShape: [Int]
  public var outputShape: [Int] { inputShape }
  public let rate: Float
  public var spec: LayerSpec { .dropout(rate: rate) }
  /// Philox key of the masks.
  public let key: PhiloxKey
  /// Philox block counter of the next mask; settable to replay a mask.
  public var counter: UInt64 = 0
  let backend: Backend
  private var cachedMask: DeviceBuffer?
  private var cachedBatch: Int?

  init(inputShape: [Int], rate: Float, key: PhiloxKey, on backend: Backend) throws {
    guard rate.isFinite, rate >= 0, rate < 1 else {
      throw GauntletError.invalidArgument(name: "dropout.rate", detail: "must be in [0, 1), got \(rate)")
    }
    self.inputShape = inputShape; self.rate = rate; self.key = key; self.backend = backend
  }

  public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
    let b = try checkInput(x, backend, "Dropout.forward")
    let n = b * inputShape.reduce(1, *)
    cachedMask = nil
    cachedBatch = mode.recordForBackward ? b : nil
    guard mode.training, rate > 0, n > 0 else { return x }
    let mask = try backend.makeBuffer(count: n)
    try backend.random(.uniform(lo: 0, hi: 1), key: key, counter: counter, into: mask, count: n)
    counter &+= UInt64((n + 3) / 4)
    // keep = relu(sign(u − rate)) ∈ {0, 1}, then scale by 1/(1 − rate).
    try backend.unary(.affine(scale: 1, shift: -rate), mask, into: mask, count: n)
    try backend.unary(.sign, mask, into: mask, count: n)
    try backend.unary(.relu, mask, into: mask, count: n)
    try backend.unary(.affine(scale: 1 / (1 - rate), shift: 0), mask, into: mask, count: n)
    let y = try backend.makeBuffer(count: n)
    try backend.binary(.mul, x.buffer, mask, into: y, count: n)
    if mode.recordForBackward { cachedMask = mask }
    return try Tensor(buffer: y, shape: x.shape, on: backend)
  }

  public func backward(_ gradOutput: Tensor, parameterGradients: Bool) throws -> Tensor {
    let b = try checkGradient(gradOutput, batch: cachedBatch, "Dropout.backward")
    guard let mask = cachedMask else { return try gradOutput.reshaped([b] + inputShape) }
    let n = b * inputShape.reduce(1, *)
    let dx = try backend.makeBuffer(count: n)
    try backend.binary(.mul, gradOutput.buffer, mask, into: dx, count: n)
    return try Tensor(buffer: dx, shape: [b] + inputShape, on: backend)
  }

  public func clearCache() { cachedMask = nil; cachedBatch = nil }
}
