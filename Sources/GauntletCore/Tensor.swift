/// A shaped view of a `DeviceBuffer` on one backend. Value type: the shape is copied, the buffer is
/// shared. Row-major; the first dimension is the batch.
///
/// ```swift
/// let x = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3], on: backend)
/// x.rows  // 2
/// x.cols  // 3
/// ```
public struct Tensor: Sendable {
  public let backend: Backend
  public let buffer: DeviceBuffer
  public let shape: [Int]

  /// Wraps an existing buffer; throws unless it holds `shape`'s element count.
  public init(buffer: DeviceBuffer, shape: [Int], on backend: Backend) throws {
    let n = try Tensor.elementCount(shape)
    try Validate.buffer(buffer, of: backend, atLeast: n, "Tensor")
    self.backend = backend; self.buffer = buffer; self.shape = shape
  }

  /// A zero-filled tensor.
  public init(zeros shape: [Int], on backend: Backend) throws {
    let n = try Tensor.elementCount(shape)
    let b = try backend.makeBuffer(count: n)
    try backend.fill(b, value: 0, offset: 0, count: n)
    self.backend = backend; self.buffer = b; self.shape = shape
  }

  /// A tensor holding `values` (validated: count matches `shape`, all finite).
  public init(_ values: [Float], shape: [Int], on backend: Backend) throws {
    let n = try Tensor.elementCount(shape)
    guard values.count == n else {
      throw GauntletError.shapeMismatch(operation: "Tensor", detail: "\(values.count) values for shape \(shape) (\(n) elements)")
    }
    let b = try backend.makeBuffer(count: n)
    try backend.upload(values, to: b)
    self.backend = backend; self.buffer = b; self.shape = shape
  }

  public var count: Int { shape.reduce(1, *) }
  /// First dimension (1 for a scalar).
  public var rows: Int { shape.first ?? 1 }
  /// Product of the remaining dimensions.
  public var cols: Int { shape.dropFirst().reduce(1, *) }

  /// The same buffer under another shape of equal element count.
  public func reshaped(_ newShape: [Int]) throws -> Tensor {
    guard try Tensor.elementCount(newShape) == count else {
      throw GauntletError.shapeMismatch(operation: "reshape", detail: "\(shape) → \(newShape)")
    }
    return try Tensor(buffer: buffer, shape: newShape, on: backend)
  }

  /// Contents on the host.
  public func toArray() throws -> [Float] { try backend.download(buffer, offset: 0, count: count) }

  /// Element count of `shape`; throws on negative dimensions.
  public static func elementCount(_ shape: [Int]) throws -> Int {
    guard shape.allSatisfy({ $0 >= 0 }) else {
      throw GauntletError.shapeMismatch(operation: "Tensor", detail: "negative dimension in \(shape)")
    }
    return shape.reduce(1, *)
  }
}
