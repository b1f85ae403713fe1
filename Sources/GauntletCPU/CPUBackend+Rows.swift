import Foundation
import GauntletCore

extension CPUBackend {
  public func rows(_ op: RowOp, _ x: DeviceBuffer, into y: DeviceBuffer, rows: Int, cols: Int) throws {
    if rows < 0 || cols < 0 { try Validate.sizes("rows", ("rows", rows), ("cols", cols)) }
    try Validate.rowOp(op, cols: cols)
    let total = try Extent.product(rows, cols, "rows")
    let per = op.outputsPerRow(cols: cols)
    let px = UnsafePointer(try storage(x, total, "rows", "x"))
    let py = try storage(y, try Extent.product(rows, per, "rows"), "rows", "y")
    guard rows > 0 else { return }
    if cols == 0 {
      switch op {
      case .sum, .l2Norm, .linfNorm: py.update(repeating: 0, count: rows)
      case .max, .argmax:
        throw GauntletError.shapeMismatch(operation: "rows(\(op))", detail: "a row needs at least one column")
      default: break
      }
      return
    }
    // Row ops with transcendental or sorting work parallelise earlier than pure reductions.
    let minRows = Swift.max(1, 16_384 / cols)
    parallelFor(rows, minimum: minRows, align: 1) { r in
      for row in r { Self.row(op, px + row * cols, py + row * per, cols) }
    }
  }

  /// One row of `op`: `x` has `n ≥ 1` entries, `y` receives `op.outputsPerRow(n)`.
  @inline(__always)
  static func row(_ op: RowOp, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    switch op {
    case .softmax:
      let m = CPUKernels.max(x, n)
      var s: Float = 0
      for j in 0..<n { let e = exp(x[j] - m); y[j] = e; s += e }
      for j in 0..<n { y[j] = y[j] / s }
    case .logSoftmax:
      let m = CPUKernels.max(x, n)
      var s: Float = 0
      for j in 0..<n { s += exp(x[j] - m) }
      let lse = log(s)
      for j in 0..<n { y[j] = (x[j] - m) - lse }
    case .sum: y[0] = CPUKernels.sum(x, n)
    case .max: y[0] = CPUKernels.max(x, n)
    case .argmax:
      var best = x[0], at = 0
      for j in 1..<n where x[j] > best { best = x[j]; at = j }
      y[0] = Float(at)
    case .l2Norm: y[0] = CPUKernels.l2Norm(x, n)
    case .linfNorm: y[0] = CPUKernels.maxAbs(x, n)
    case let .topKMask(k): topK(x, y, n, k)
    case let .round(d):
      let p = pow10[d]
      for j in 0..<n {
        let t = x[j] * p
        y[j] = t.isFinite ? t.rounded(.toNearestOrAwayFromZero) / p : x[j]
      }
    }
  }

  /// Exact powers of ten for `round(decimals:)` (all representable in Float up to 10⁸).
  static let pow10: [Float] = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8]

  /// 1 for the `k` largest entries of the row (ties to the lowest index), else 0; `1 ≤ k ≤ n`.
  static func topK(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, _ k: Int) {
    if k >= n {
      y.update(repeating: 1, count: n)
    } else if k <= 16 {
      // k selection passes over the row, using the output as the "taken" mark: no allocation.
      y.update(repeating: 0, count: n)
      for _ in 0..<k {
        var at = -1
        var best: Float = 0
        for j in 0..<n where y[j] == 0 && (at < 0 || x[j] > best) { best = x[j]; at = j }
        if at >= 0 { y[at] = 1 }
      }
    } else {
      // Threshold = k-th largest value; everything above it wins, then equal values in index order.
      let t: Float = withUnsafeTemporaryAllocation(of: Float.self, capacity: n) { buf in
        var tmp = buf
        _ = tmp.initialize(from: UnsafeBufferPointer(start: x, count: n))
        tmp.sort(by: >)
        return tmp[k - 1]
      }
      var above = 0
      for j in 0..<n where x[j] > t { above += 1 }
      var ties = k - above
      for j in 0..<n {
        if x[j] > t { y[j] = 1 } else if x[j] == t && ties > 0 { y[j] = 1; ties -= 1 } else { y[j] = 0 }
      }
    }
  }
}
