import GauntletCore

/// How a forward pass runs.
public struct ForwardMode: Sendable, Hashable {
  /// Dropout active (train mode).
  public var training: Bool
  /// Keep what `backward` needs (inputs, im2col columns, pooling argmax, dropout masks).
  public var recordForBackward: Bool
  public init(training: Bool, recordForBackward: Bool) {
    self.training = training; self.recordForBackward = recordForBackward
  }
  /// Inference: no dropout, nothing cached.
  public static let inference = ForwardMode(training: false, recordForBackward: false)
}

/// One stage of a `Sequential` model. A layer is built for a fixed per-sample input shape and
/// accepts any batch size: `forward` takes `[batch] + inputShape` and returns
/// `[batch] + outputShape`.
///
/// `backward` must follow a `forward` with `recordForBackward`; it returns ∂L/∂input and, when
/// asked, overwrites each parameter's `gradient` with ∂L/∂parameter (summed over the batch).
/// Layers are not thread-safe on their own; `Sequential` serializes access.
public protocol Layer: AnyObject {
  /// The spec entry this layer was built from.
  var spec: LayerSpec { get }
  /// Per-sample input and output shapes.
  var inputShape: [Int] { get }
  var outputShape: [Int] { get }
  /// Trainable parameters, weight before bias (empty for parameter-free layers).
  var parameters: [Parameter] { get }
  func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor
  func backward(_ gradOutput: Tensor, parameterGradients: Bool) throws -> Tensor
  /// Drops cached activations.
  func clearCache()
}

extension Layer {
  public var parameters: [Parameter] { [] }

  /// Checks that `x` is `[batch] + inputShape` on `backend`; returns the batch size.
  func checkInput(_ x: Tensor, _ backend: Backend, _ op: String) throws -> Int {
    guard x.backend === backend else {
      throw GauntletError.foreignBuffer(operation: op, expected: backend.name, got: x.backend.name)
    }
    guard x.shape.count == inputShape.count + 1, Array(x.shape.dropFirst()) == inputShape else {
      throw GauntletError.shapeMismatch(operation: op,
                                        detail: "expected [batch] + \(inputShape), got \(x.shape)")
    }
    return x.shape[0]
  }

  /// Checks that `g` is `[batch] + outputShape` for the cached batch.
  func checkGradient(_ g: Tensor, batch: Int?, _ op: String) throws -> Int {
    guard let batch else {
      throw GauntletError.invalidArgument(
        name: "backward", detail: "\(op): no recorded forward pass; run forward with recordForBackward first")
    }
    guard g.shape == [batch] + outputShape else {
      throw GauntletError.shapeMismatch(operation: op,
                                        detail: "gradient should be \([batch] + outputShape), got \(g.shape)")
    }
    return batch
  }
}

/// A growable buffer of ones, for column sums through GEMM (`1ᵀ·M`).
final class OnesVector {
  private var buffer: DeviceBuffer?

  func get(_ count: Int, on backend: Backend) throws -> DeviceBuffer {
    if let b = buffer, b.count >= count { return b }
    let b = try backend.makeBuffer(count: max(count, 1))
    try backend.fill(b, value: 1, offset: 0, count: b.count)
    buffer = b
    return b
  }
}
