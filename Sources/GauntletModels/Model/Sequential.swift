import Foundation
import GauntletCore

/// A feed-forward stack of layers: the engine's trainable, differentiable classifier.
///
/// - `logits(_:)` is inference (no dropout, nothing cached): what an oracle calls.
/// - `forward(_:)` follows `mode`: in `.train` it applies dropout and records what `backward`
///   needs; in `.eval` it is inference and frees recorded activations.
/// - `backward(gradLogits:)` back-propagates the last recorded forward: it overwrites every
///   parameter's `gradient` and returns ∂L/∂input.
/// - `inputGradient(_:gradLogits:)` (white-box attacks) runs an inference-mode forward and a
///   backward without touching parameter gradients.
///
/// Inputs are `[batch] + inputShape`, or `[batch, features]` flattened; an MLP accepts any shape
/// with `features` elements per sample (e.g. `[batch, 1, 8, 8]` for `mlp:64-…`). Calls are
/// serialized by a lock, so a model may be shared between threads.
///
/// ```swift
/// let model = try ModelSpec(parsing: "mlp:64-128-10").build(on: backend, seed: 1)
/// model.mode = .train
/// let z = try model.forward(x)
/// let loss = try Loss.crossEntropy.evaluate(logits: z, targets: y)
/// _ = try model.backward(gradLogits: loss.gradient)
/// try optimizer.step(model.parameters)
/// ```
public final class Sequential: DifferentiableModel, @unchecked Sendable {
  // @unchecked Sendable: every access to mutable state (layer caches, mode) holds `lock`.

  /// Whether `forward` trains (dropout on, activations recorded) or infers.
  public enum Mode: String, Sendable, Hashable { case train, eval }

  public let backend: Backend
  public let spec: ModelSpec
  public let layers: [Layer]
  public let inputShape: [Int]
  public let classCount: Int
  private let lock = NSLock()
  private var currentMode: Mode = .eval
  private var recordedInputShape: [Int]?

  init(spec: ModelSpec, layers: [Layer], backend: Backend) throws {
    guard let last = layers.last, last.outputShape.count == 1 else {
      throw GauntletError.invalidArgument(name: "layers", detail: "the last layer must output class scores")
    }
    self.spec = spec
    self.layers = layers
    self.backend = backend
    self.inputShape = spec.inputShape
    self.classCount = last.outputShape[0]
  }

  /// `.eval` by default. Switching to `.eval` frees recorded activations.
  public var mode: Mode {
    get { lock.withLock { currentMode } }
    set {
      lock.withLock {
        currentMode = newValue
        if newValue == .eval { clearLocked() }
      }
    }
  }

  /// Every trainable parameter, in layer order (weight before bias).
  public var parameters: [Parameter] { layers.flatMap(\.parameters) }

  /// Total number of trainable scalars.
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

  /// Inference logits `[batch, classCount]`.
  public func logits(_ x: Tensor) throws -> Tensor {
    try lock.withLock { try forwardLocked(x, mode: .inference) }
  }

  /// Forward pass following `mode` (see the type's documentation).
  public func forward(_ x: Tensor) throws -> Tensor {
    try lock.withLock {
      let m = currentMode == .train ? ForwardMode(training: true, recordForBackward: true) : .inference
      return try forwardLocked(x, mode: m)
    }
  }

  /// Forward pass with an explicit mode, e.g. recording activations without dropout
  /// (`ForwardMode(training: false, recordForBackward: true)`) to take parameter gradients of the
  /// inference function.
  public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
    try lock.withLock { try forwardLocked(x, mode: mode) }
  }

  /// Back-propagates `gradLogits` (∂L/∂logits, `[batch, classCount]`) through the last recorded
  /// forward pass. Overwrites each parameter's `gradient` (when `parameterGradients`) and returns
  /// ∂L/∂x in the shape `x` had.
  public func backward(gradLogits: Tensor, parameterGradients: Bool = true) throws -> Tensor {
    try lock.withLock { try backwardLocked(gradLogits, parameterGradients: parameterGradients) }
  }

  /// ∂L/∂x for `L` with ∂L/∂logits = `gradLogits`, through the inference function (no dropout).
  /// Parameters and their gradients are not changed; recorded activations are freed afterwards.
  public func inputGradient(_ x: Tensor, gradLogits: Tensor) throws -> Tensor {
    try lock.withLock {
      defer { clearLocked() }
      _ = try forwardLocked(x, mode: ForwardMode(training: false, recordForBackward: true))
      return try backwardLocked(gradLogits, parameterGradients: false)
    }
  }

  /// Softmax probabilities `[batch, classCount]` (inference).
  public func probabilities(_ x: Tensor) throws -> Tensor {
    let z = try logits(x)
    let p = try backend.makeBuffer(count: z.count)
    if z.count > 0 { try backend.rows(.softmax, z.buffer, into: p, rows: z.rows, cols: classCount) }
    return try Tensor(buffer: p, shape: z.shape, on: backend)
  }

  /// Predicted class of each sample (inference; one download of `batch` values).
  public func predictions(_ x: Tensor) throws -> [Int] {
    let z = try logits(x)
    return try DeviceMath.argmax(z)
  }

  /// Drops every recorded activation.
  public func clearCaches() { lock.withLock { clearLocked() } }

  // MARK: Locked internals

  private func clearLocked() {
    for l in layers { l.clearCache() }
    recordedInputShape = nil
  }

  private func forwardLocked(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
    var h = try canonicalInput(x)
    if !mode.recordForBackward { clearLocked() }
    for layer in layers { h = try layer.forward(h, mode: mode) }
    recordedInputShape = mode.recordForBackward ? x.shape : nil
    return h
  }

  private func backwardLocked(_ gradLogits: Tensor, parameterGradients: Bool) throws -> Tensor {
    guard let xShape = recordedInputShape else {
      throw GauntletError.invalidArgument(
        name: "backward", detail: "no recorded forward pass; set mode = .train (or use forward(_:mode:) with recordForBackward) and call forward first")
    }
    guard gradLogits.backend === backend else {
      throw GauntletError.foreignBuffer(operation: "Sequential.backward", expected: backend.name, got: gradLogits.backend.name)
    }
    guard gradLogits.shape == [xShape[0], classCount] else {
      throw GauntletError.shapeMismatch(operation: "Sequential.backward",
                                        detail: "gradLogits should be \([xShape[0], classCount]), got \(gradLogits.shape)")
    }
    var g = gradLogits
    for layer in layers.reversed() { g = try layer.backward(g, parameterGradients: parameterGradients) }
    return try g.reshaped(xShape)
  }

  /// `x` reshaped to `[batch] + inputShape`, or a typed error naming the accepted shapes.
  private func canonicalInput(_ x: Tensor) throws -> Tensor {
    guard x.backend === backend else {
      throw GauntletError.foreignBuffer(operation: "Sequential.forward", expected: backend.name, got: x.backend.name)
    }
    let features = inputShape.reduce(1, *)
    let ok = x.shape.count >= 2 && (Array(x.shape.dropFirst()) == inputShape
      || (x.shape.count == 2 && x.shape[1] == features)
      || (inputShape.count == 1 && x.cols == features))
    guard ok else {
      throw GauntletError.shapeMismatch(
        operation: "Sequential.forward",
        detail: "model takes [batch] + \(inputShape) (or [batch, \(features)]), got \(x.shape)")
    }
    return try x.reshaped([x.shape[0]] + inputShape)
  }
}
