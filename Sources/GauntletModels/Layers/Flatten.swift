import GauntletCore

/// Reshapes `[batch, C, H, W]` (or any shape) to `[batch, C·H·W]`; shares the buffer.
public final class Flatten: Layer {
  public let inputShape: [Int]
  public let outputShape: [Int]
  public var spec: LayerSpec { .flatten }
  let backend: Backend
  private var cachedBatch: Int?

  init(inputShape: [Int], on backend: Backend) {
    self.inputShape = inputShape
    self.outputShape = [inputShape.reduce(1, *)]
    self.backend = backend
  }

  public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
    let b = try checkInput(x, backend, "Flatten.forward")
    cachedBatch = mode.recordForBackward ? b : nil
    return try x.reshaped([b] + outputShape)
  }

  public func backward(_ gradOutput: Tensor, parameterGradients: Bool) throws -> Tensor {
    let b = try checkGradient(gradOutput, batch: cachedBatch, "Flatten.backward")
    return try gradOutput.reshaped([b] + inputShape)
  }

  public func clearCache() { cachedBatch = nil }
}
