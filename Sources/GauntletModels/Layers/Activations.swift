import GauntletCore

/// Shared implementation of element-wise activation layers: `y = f(x)`, `dx = dy · f′(x)`.
public protocol ActivationLayer: Layer {
  var op: UnaryOp { get }
  var backend: Backend { get }
  var cachedInput: Tensor? { get set }
}

extension ActivationLayer {
  public var outputShape: [Int] { inputShape }

  public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
    let b = try checkInput(x, backend, "\(op).forward")
    let n = b * inputShape.reduce(1, *)
    let y = try backend.makeBuffer(count: n)
    if n > 0 { try backend.unary(op, x.buffer, into: y, count: n) }
    cachedInput = mode.recordForBackward ? x : nil
    return try Tensor(buffer: y, shape: x.shape, on: backend)
  }

  public func backward(_ gradOutput: Tensor, parameterGradients: Bool) throws -> Tensor {
    let b = try checkGradient(gradOutput, batch: cachedInput?.shape[0], "\(op).backward")
    guard let x = cachedInput else { throw GauntletError.invalidArgument(name: "backward", detail: "no cache") }
    let n = b * inputShape.reduce(1, *)
    let dx = try backend.makeBuffer(count: n)
    if n > 0 { try backend.unaryBackward(op, x: x.buffer, gradOutput: gradOutput.buffer, into: dx, count: n) }
    return try Tensor(buffer: dx, shape: x.shape, on: backend)
  }

  public func clearCache() { cachedInput = nil }
}

/// `max(x, 0)`; derivative 0 at 0.
public final class ReLU: ActivationLayer {
  public let inputShape: [Int]
  public let backend: Backend
  public var cachedInput: Tensor?
  public var op: UnaryOp { .relu }
  public var spec: LayerSpec { .relu }
  init(inputShape: [Int], on backend: Backend) { self.inputShape = inputShape; self.backend = backend }
}

/// `x > 0 ? x : slope·x` (Maas et al., "Rectifier nonlinearities improve neural network acoustic
/// models", ICML 2013).
public final class LeakyReLU: ActivationLayer {
  public let inputShape: [Int]
  public let backend: Backend
  public let slope: Float
  public var cachedInput: Tensor?
  public var op: UnaryOp { .leakyRelu(slope: slope) }
  public var spec: LayerSpec { .leakyRelu(slope: slope) }
  init(inputShape: [Int], slope: Float, on backend: Backend) throws {
    try Validate.finite(slope, "leakyRelu.slope")
    self.inputShape = inputShape; self.slope = slope; self.backend = backend
  }
}

/// `1 / (1 + e^{−x})`.
public final class Sigmoid: ActivationLayer {
  public let inputShape: [Int]
  public let backend: Backend
  public var cachedInput: Tensor?
  public var op: UnaryOp { .sigmoid }
  public var spec: LayerSpec { .sigmoid }
  init(inputShape: [Int], on backend: Backend) { self.inputShape = inputShape; self.backend = backend }
}

/// Hyperbolic tangent.
public final class Tanh: ActivationLayer {
  public let inputShape: [Int]
  public let backend: Backend
  public var cachedInput: Tensor?
  public var op: UnaryOp { .tanh }
  public var spec: LayerSpec { .tanh }
  init(inputShape: [Int], on backend: Backend) { self.inputShape = inputShape; self.backend = backend }
}
