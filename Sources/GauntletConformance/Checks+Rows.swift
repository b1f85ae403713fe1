import GauntletCore

extension Checker {
  static let rowShapes = [(1, 1), (7, 93), (93, 7), (144, 10), (3, 1000), (2000, 17)]

  /// Tolerance of a row op over `cols` entries (the scale is in `Reference.row`).
  static func rowTolerance(_ op: RowOp, _ cols: Int) -> Double {
    let n = Double(cols)
    switch op {
    // exp per entry (4) + the γₙ sum (n/2) + a divide (3), relative per probability.
    case .softmax: return (8 + n / 2) * Tol.ulp
    // log of that sum, then a subtraction; relative to max(|value|, 1).
    case .logSoftmax: return (10 + n / 2) * Tol.ulp
    case .sum: return Tol.sum(cols)
    // sum of squares (n/2 + 1), halved by the square root, + sqrt (4): kept at n/2 for slack.
    case .l2Norm: return (4 + n / 2) * Tol.ulp
    // The Float formula round(x·10^d)/10^d; only the division may be inexact (OpenCL 2.5 ulp).
    case .round: return Tol.div
    // Selections: exact.
    case .max, .argmax, .linfNorm, .topKMask: return Tol.exact
    }
  }

  func rowChecks() {
    for (rows, cols) in Self.rowShapes {
      var ops: [RowOp] = [.softmax, .logSoftmax, .sum, .max, .argmax, .l2Norm, .linfNorm,
                          .round(decimals: 0), .round(decimals: 2), .round(decimals: 8)]
      for k in Set([1, Swift.min(3, cols), cols, Swift.min(20, cols)]).sorted() { ops.append(.topKMask(k: k)) }
      for op in ops {
        check("rows", "\(op) \(rows)x\(cols)") { try rowCase(op, rows, cols, input: .uniform) }
      }
      for op in [RowOp.softmax, .logSoftmax] {
        check("rows", "\(op) \(rows)x\(cols) magnitude 8e3") { try rowCase(op, rows, cols, input: .large) }
      }
      for op in [RowOp.max, .argmax, .topKMask(k: 1), .topKMask(k: Swift.min(3, cols)), .topKMask(k: Swift.min(20, cols))] {
        check("rows", "\(op) \(rows)x\(cols) ties") { try rowCase(op, rows, cols, input: .ties) }
      }
      check("rows", "round(0) \(rows)x\(cols) halves") { try rowCase(.round(decimals: 0), rows, cols, input: .halves) }
    }
    check("rows", "softmax 5x1000 equal entries") { try rowCase(.softmax, 5, 1000, input: .constant) }
  }

  enum RowInput { case uniform, large, ties, halves, constant }

  func rowInput(_ kind: RowInput, _ rows: Int, _ cols: Int) -> [Float] {
    let n = rows * cols
    switch kind {
    case .uniform: return uniform(n, -10, 10)
    // ±8000 per row plus spread: exp without subtracting the max overflows.
    case .large: return zip(0..<n, uniform(n, -40, 40)).map { i, u in ((i / cols) % 2 == 0 ? 8000 : -8000) + u }
    case .ties: return ties(n, levels: 4)
    // Exact halves: round half away from zero must go outward.
    case .halves: return ties(n, levels: 40).map { $0 - 20 + 0.5 }
    case .constant: return [Float](repeating: 3.25, count: n)
    }
  }

  func rowCase(_ op: RowOp, _ rows: Int, _ cols: Int, input: RowInput) throws -> Measure {
    let x = rowInput(input, rows, cols)
    let per = op.outputsPerRow(cols: cols)
    let by = try buffer(count: rows * per)
    try backend.rows(op, try buffer(x), into: by, rows: rows, cols: cols)
    var want: [Double] = [], scale: [Double] = []
    want.reserveCapacity(rows * per); scale.reserveCapacity(rows * per)
    for r in 0..<rows {
      let ref = Reference.row(op, Array(x[(r * cols)..<((r + 1) * cols)]))
      want += ref.value; scale += ref.scale
    }
    let tol = Self.rowTolerance(op, cols)
    if tol == Tol.exact { return Metric.exact(try read(by), want) }
    return Metric.relative(try read(by), want, scale: scale, tolerance: tol)
  }
}
