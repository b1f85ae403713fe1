import GauntletCore

/// Window geometry shared by the pooling layers (square window, no padding).
struct PoolGeometry {
  let channels: Int, height: Int, width: Int, size: Int, stride: Int

  init(inputShape: [Int], size: Int, stride: Int, name: String) throws {
    guard inputShape.count == 3 else {
      throw GauntletError.invalidArgument(name: name, detail: "needs a [C, H, W] input, got \(inputShape)")
    }
    guard size > 0, stride > 0, size <= inputShape[1], size <= inputShape[2] else {
      throw GauntletError.invalidArgument(
        name: name, detail: "window \(size) / stride \(stride) does not fit input \(inputShape)")
    }
    (channels, height, width) = (inputShape[0], inputShape[1], inputShape[2])
    (self.size, self.stride) = (size, stride)
  }

  func shape(batch: Int) -> ConvShape {
    ConvShape(batch: batch, channels: channels, height: height, width: width, kernelH: size, kernelW: size,
              strideH: stride, strideW: stride)
  }

  var outputShape: [Int] { let s = shape(batch: 1); return [channels, s.outHeight, s.outWidth] }
}

/// Max pooling over square windows (NCHW). The backward pass routes each gradient to the window's
/// first maximum, using the argmax recorded in the forward pass.
public final class MaxPool2D: Layer {
  public let spec: LayerSpec
  public let inputShape: [Int]
  public let outputShape: [Int]
  let backend: Backend
  let geometry: PoolGeometry
  private var cachedArgmax: DeviceBuffer?
  private var cachedBatch: Int?

  init(inputShape: [Int], size: Int, stride: Int, on backend: Backend) throws {
    geometry = try PoolGeometry(inputShape: inputShape, size: size, stride: stride, name: "maxpool")
    spec = .maxPool(size: size, stride: stride)
    self.inputShape = inputShape
    outputShape = geometry.outputShape
    self.backend = backend
  }

  public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
    let b = try checkInput(x, backend, "MaxPool2D.forward")
    let s = geometry.shape(batch: b)
    let y = try backend.makeBuffer(count: s.pooledCount)
    let argmax = try backend.makeBuffer(count: s.pooledCount)
    if b > 0 { try backend.maxPool(x.buffer, into: y, argmax: argmax, s) }
    cachedArgmax = mode.recordForBackward ? argmax : nil
    cachedBatch = mode.recordForBackward ? b : nil
    return try Tensor(buffer: y, shape: [b] + outputShape, on: backend)
  }

  public func backward(_ gradOutput: Tensor, parameterGradients: Bool) throws -> Tensor {
    let b = try checkGradient(gradOutput, batch: cachedBatch, "MaxPool2D.backward")
    let s = geometry.shape(batch: b)
    let dx = try backend.makeBuffer(count: s.inputCount)
    if b > 0, let argmax = cachedArgmax {
      try backend.maxPoolBackward(gradOutput: gradOutput.buffer, argmax: argmax, into: dx, s)
    }
    return try Tensor(buffer: dx, shape: [b] + inputShape, on: backend)
  }

  public func clearCache() { cachedArgmax = nil; cachedBatch = nil }
}

/// Average pooling over square windows (NCHW); the backward pass spreads each gradient evenly
/// over its window.
public final class AvgPool2D: Layer {
  public let spec: LayerSpec
  public let inputShape: [Int]
  public let outputShape: [Int]
  let backend: Backend
  let geometry: PoolGeometry
  private var cachedBatch: Int?

  init(inputShape: [Int], size: Int, stride: Int, on backend: Backend) throws {
    geometry = try PoolGeometry(inputShape: inputShape, size: size, stride: stride, name: "avgpool")
    spec = .avgPool(size: size, stride: stride)
    self.inputShape = inputShape
    outputShape = geometry.outputShape
    self.backend = backend
  }

  public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
    let b = try checkInput(x, backend, "AvgPool2D.forward")
    let s = geometry.shape(batch: b)
    let y = try backend.makeBuffer(count: s.pooledCount)
    if b > 0 { try backend.avgPool(x.buffer, into: y, s) }
    cachedBatch = mode.recordForBackward ? b : nil
    return try Tensor(buffer: y, shape: [b] + outputShape, on: backend)
  }

  public func backward(_ gradOutput: Tensor, parameterGradients: Bool) throws -> Tensor {
    let b = try checkGradient(gradOutput, batch: cachedBatch, "AvgPool2D.backward")
    let s = geometry.shape(batch: b)
    let dx = try backend.makeBuffer(count: s.inputCount)
    if b > 0 { try backend.avgPoolBackward(gradOutput: gradOutput.buffer, into: dx, s) }
    return try Tensor(buffer: dx, shape: [b] + inputShape, on: backend)
  }

  public func clearCache() { cachedBatch = nil }
}
