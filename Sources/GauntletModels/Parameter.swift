import GauntletCore

/// A trainable tensor of a layer: its value and the gradient of the last `backward`.
///
/// Both live on the model's backend. `backward` overwrites `gradient`; optimizers read it and
/// update `value` in place, so references to a parameter stay valid for the model's lifetime.
///
/// ```swift
/// for p in model.parameters { print(p.name, p.shape) }   // "layers.0.weight" [128, 64] …
/// ```
public final class Parameter {
  /// `layers.<i>.weight` or `layers.<i>.bias` (the `.gmodel` tensor name).
  public let name: String
  public let shape: [Int]
  public let value: DeviceBuffer
  public let gradient: DeviceBuffer
  /// The backend holding `value` and `gradient`.
  public let backend: Backend
  public var count: Int { shape.reduce(1, *) }

  init(name: String, shape: [Int], on backend: Backend) throws {
    let n = try Tensor.elementCount(shape)
    self.name = name
    self.shape = shape
    self.backend = backend
    self.value = try backend.makeBuffer(count: n)
    self.gradient = try backend.makeBuffer(count: n)
    try backend.fill(value, value: 0, offset: 0, count: n)
    try backend.fill(gradient, value: 0, offset: 0, count: n)
  }

  /// Downloads the value.
  public func values() throws -> [Float] { try backend.download(value, offset: 0, count: count) }

  /// Uploads `values` (count must match; NaN/Inf rejected).
  public func load(_ values: [Float]) throws {
    guard values.count == count else {
      throw GauntletError.shapeMismatch(operation: "Parameter.load", detail: "\(name) \(shape) needs \(count) values, got \(values.count)")
    }
    try values.withUnsafeBufferPointer { try Validate.finite($0, name) }
    try backend.upload(values, to: value)
  }

  /// The value as a tensor of `shape` (shares the buffer).
  public func valueTensor() throws -> Tensor {
    try Tensor(buffer: value, shape: shape, on: backend)
  }

  /// The gradient as a tensor of `shape` (shares the buffer).
  public func gradientTensor() throws -> Tensor {
    try Tensor(buffer: gradient, shape: shape, on: backend)
  }
}
