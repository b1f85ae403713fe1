import Foundation
import Testing
@testable import GauntletOpenCL
import GauntletCore

/// Row ops against plain Swift loops (left-to-right sums). Tolerances: exact for sum, max,
/// argmax, norms, top-k and round; ≤ 8 ulp for softmax and log-softmax (device exp/log).
@Suite(.enabled(if: OCL.enabled, OCL.skipReason))
struct OpenCLRowsTests {
  static func reference(_ op: RowOp, _ row: [Float]) -> [Float] {
    switch op {
    case .softmax:
      let m = row.max()!
      let e = row.map { Foundation.exp($0 - m) }
      let s = e.reduce(0, +)
      return e.map { $0 / s }
    case .logSoftmax:
      let m = row.max()!
      let ls = Foundation.log(row.reduce(Float(0)) { $0 + Foundation.exp($1 - m) })
      return row.map { ($0 - m) - ls }
    case .sum: return [row.reduce(0, +)]
    case .max: return [row.max()!]
    case .argmax: return [Float(row.firstIndex(of: row.max()!)!)]
    case .l2Norm: return [row.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()]
    case .linfNorm: return [row.map(Swift.abs).max()!]
    case let .topKMask(k):
      let order = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
      var mask = [Float](repeating: 0, count: row.count)
      for i in order.prefix(k) { mask[i] = 1 }
      return mask
    case let .round(d):
      var scale: Float = 1
      for _ in 0..<d { scale *= 10 }
      return row.map { ($0 * scale).rounded(.toNearestOrAwayFromZero) / scale }
    }
  }

  static let ops: [RowOp] = [.softmax, .logSoftmax, .sum, .max, .argmax, .l2Norm, .linfNorm,
                             .topKMask(k: 1), .topKMask(k: 3), .topKMask(k: 10), .round(decimals: 0), .round(decimals: 3)]

  @Test(arguments: ops) func rowOpMatchesSwift(_ op: RowOp) throws {
    let be = try OCL.backend()
    let rows = 37, cols = 10
    var x = OCL.data(rows * cols, seed: 21, lo: -5, hi: 5)
    x[3] = x[7]; x[12] = x[15]; x[20...29] = ArraySlice(repeating: 1.5, count: 10)   // ties, incl. a flat row
    let out = op.outputsPerRow(cols: cols)
    let dx = try be.makeBuffer(x), dy = try be.makeBuffer(count: rows * out)
    try be.rows(op, dx, into: dy, rows: rows, cols: cols)
    let got = try be.download(dy)
    let want = (0..<rows).flatMap { Self.reference(op, Array(x[$0 * cols ..< ($0 + 1) * cols])) }
    let tol: Int
    switch op {
    case .softmax, .logSoftmax: tol = 8
    default: tol = 0
    }
    let worst = zip(got, want).map { OCL.ulps($0, $1) }.max() ?? 0
    #expect(worst <= tol, "\(op): \(worst) ulp")
  }

  @Test func rejectsBadRowOps() throws {
    let be = try OCL.backend()
    let x = try be.makeBuffer(count: 12), y = try be.makeBuffer(count: 12)
    for op in [RowOp.topKMask(k: 0), .topKMask(k: 5), .round(decimals: -1), .round(decimals: 9)] {
      #expect(throws: GauntletError.self) { try be.rows(op, x, into: y, rows: 3, cols: 4) }
    }
    #expect(throws: GauntletError.self) { try be.rows(.softmax, x, into: y, rows: 4, cols: 4) }   // too small
    #expect(throws: GauntletError.self) { try be.rows(.sum, x, into: y, rows: -1, cols: 4) }
  }
}
