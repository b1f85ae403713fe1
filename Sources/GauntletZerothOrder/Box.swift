import GauntletCore

/// Box constraints `lower ≤ x ≤ upper`, either one bound pair for every coordinate or one per
/// coordinate. Optimizers project onto the box after every step (clipping).
///
/// ```swift
/// let pixels = try Box(lower: 0, upper: 1)
/// let hyper = try Box(lower: [-6, -8], upper: [0, -1])
/// ```
public struct Box: Sendable, Hashable, Codable {
  /// One entry (all coordinates) or one per coordinate.
  public let lower: [Float]
  public let upper: [Float]

  public init(lower: Float, upper: Float) throws {
    try self.init(lower: [lower], upper: [upper])
  }

  public init(lower: [Float], upper: [Float]) throws {
    guard !lower.isEmpty, lower.count == upper.count else {
      throw GauntletError.invalidArgument(name: "box", detail: "lower and upper need the same non-zero count, got \(lower.count) and \(upper.count)")
    }
    for i in lower.indices where !(lower[i].isFinite && upper[i].isFinite && lower[i] <= upper[i]) {
      throw GauntletError.invalidArgument(name: "box", detail: "need finite lower ≤ upper at coordinate \(i), got [\(lower[i]), \(upper[i])]")
    }
    self.lower = lower; self.upper = upper
  }

  /// Throws unless the box fits dimension `d`.
  public func check(dimension d: Int) throws {
    guard lower.count == 1 || lower.count == d else {
      throw GauntletError.shapeMismatch(operation: "Box", detail: "\(lower.count) bounds for dimension \(d); give 1 or \(d)")
    }
  }

  /// Clips every row of `x` (`rows × d`) into the box, in place.
  public func project(_ x: DeviceBuffer, rows: Int, dimension d: Int, on backend: Backend) throws {
    try check(dimension: d)
    guard rows * d > 0 else { return }
    if lower.count == 1 {
      try backend.unary(.clamp(lo: lower[0], hi: upper[0]), x, into: x, count: rows * d)
    } else {
      try backend.broadcast(.max, x, backend.makeBuffer(lower), into: x, rows: rows, cols: d, axis: .row)
      try backend.broadcast(.min, x, backend.makeBuffer(upper), into: x, rows: rows, cols: d, axis: .row)
    }
  }
}
