import GauntletCore

/// Small device-side helpers shared by losses, training and evaluation.
enum DeviceMath {
  /// Row-wise argmax of a `[rows, cols]` tensor, downloaded (`rows` values).
  static func argmax(_ z: Tensor) throws -> [Int] {
    let (r, c) = (z.rows, z.cols)
    guard r > 0 else { return [] }
    let out = try z.backend.makeBuffer(count: r)
    try z.backend.rows(.argmax, z.buffer, into: out, rows: r, cols: c)
    return try z.backend.download(out, offset: 0, count: r).map { Int($0) }
  }

  /// Σ of the first `count` elements, on the device (one download of one value), as Double.
  static func sum(_ buffer: DeviceBuffer, count: Int, on backend: Backend) throws -> Double {
    guard count > 0 else { return 0 }
    let out = try backend.makeBuffer(count: 1)
    try backend.rows(.sum, buffer, into: out, rows: 1, cols: count)
    return Double(try backend.download(out, offset: 0, count: 1)[0])
  }

  /// A new buffer holding `y = f(x)`.
  static func unary(_ op: UnaryOp, _ x: DeviceBuffer, count: Int, on backend: Backend) throws -> DeviceBuffer {
    let y = try backend.makeBuffer(count: count)
    if count > 0 { try backend.unary(op, x, into: y, count: count) }
    return y
  }

  /// A new buffer holding `a ∘ b`.
  static func binary(_ op: BinaryOp, _ a: DeviceBuffer, _ b: DeviceBuffer, count: Int,
                     on backend: Backend) throws -> DeviceBuffer {
    let c = try backend.makeBuffer(count: count)
    if count > 0 { try backend.binary(op, a, b, into: c, count: count) }
    return c
  }

  /// A new `rows × op.outputsPerRow(cols)` buffer holding `op` applied to each row.
  static func rows(_ op: RowOp, _ x: DeviceBuffer, rows: Int, cols: Int, on backend: Backend) throws -> DeviceBuffer {
    let y = try backend.makeBuffer(count: rows * op.outputsPerRow(cols: cols))
    if rows > 0 { try backend.rows(op, x, into: y, rows: rows, cols: cols) }
    return y
  }
}
