import GauntletCore
import GauntletOracle

/// Backend helpers shared by the output defenses.
enum DefenseMath {
  /// A new `rows × cols` tensor on `backend` wrapping `buffer`.
  static func tensor(_ buffer: DeviceBuffer, _ rows: Int, _ cols: Int, _ backend: Backend) throws -> Tensor {
    try Tensor(buffer: buffer, shape: [rows, cols], on: backend)
  }

  /// Divides each row of `x` (in place) by its sum.
  static func normalizeRows(_ x: DeviceBuffer, rows: Int, cols: Int, on backend: Backend) throws {
    let sums = try backend.makeBuffer(count: rows)
    try backend.rows(.sum, x, into: sums, rows: rows, cols: cols)
    try backend.broadcast(.div, x, sums, into: x, rows: rows, cols: cols, axis: .column)
  }

  /// `p ← max(p, floor)` then row-normalised: turns perturbed scores back into probability rows.
  static func floorAndNormalize(_ x: DeviceBuffer, floor: Float, rows: Int, cols: Int, on backend: Backend) throws {
    try backend.unary(.clamp(lo: floor, hi: .greatestFiniteMagnitude), x, into: x, count: rows * cols)
    try normalizeRows(x, rows: rows, cols: cols, on: backend)
  }

  /// Argmax of each row of a host matrix (ties to the lowest index).
  static func argmax(_ v: UnsafeBufferPointer<Float>, row: Int, cols: Int) -> Int {
    var best = 0
    let base = row * cols
    for j in 1..<Swift.max(cols, 1) where v[base + j] > v[base + best] { best = j }
    return best
  }

  static func requireFinite(_ value: Float, _ name: String, in range: ClosedRange<Float>, _ defense: String) throws {
    guard value.isFinite, range.contains(value) else {
      throw GauntletError.invalidArgument(name: "\(defense).\(name)", detail: "must be in \(range.lowerBound)…\(range.upperBound), got \(value)")
    }
  }
}

/// Formats a float so that parsing it gives the same value (Swift's shortest round-trip form).
func specNumber(_ v: Float) -> String {
  v == v.rounded() && Swift.abs(v) < 1e7 ? String(Int(v)) : "\(v)"
}
