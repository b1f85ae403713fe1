/// Dense least squares `min ‖A·X − B‖` by Householder QR in Double (no LAPACK): the linear
/// algebra of the exact extraction attacks (systems of a few hundred rows and columns).
///
/// Columns whose pivot falls below `rankTolerance × max pivot` are treated as dependent and get
/// zero coefficients (what a victim's never-active unit needs), and are reported in `dependent`.
struct LeastSquares {
  /// `cols × rhs`, row-major.
  let solution: [Double]
  /// Columns judged dependent (coefficient set to 0).
  let dependent: [Int]

  /// - Parameters:
  ///   - a: `rows × cols`, row-major.
  ///   - b: `rows × rhs`, row-major.
  init(a: [Double], rows: Int, cols: Int, b: [Double], rhs: Int, rankTolerance: Double = 1e-10) {
    precondition(a.count == rows * cols && b.count == rows * rhs)
    // Column-major copies: Householder reflections work down columns.
    var q = [Double](repeating: 0, count: rows * cols)
    var y = [Double](repeating: 0, count: rows * rhs)
    for i in 0..<rows {
      for j in 0..<cols { q[j * rows + i] = a[i * cols + j] }
      for k in 0..<rhs { y[k * rows + i] = b[i * rhs + k] }
    }
    var diag = [Double](repeating: 0, count: cols)
    let steps = Swift.min(rows, cols)
    q.withUnsafeMutableBufferPointer { Q in
      y.withUnsafeMutableBufferPointer { Y in
        for j in 0..<steps {
          let cj = j * rows
          var norm2 = 0.0
          for i in j..<rows { norm2 += Q[cj + i] * Q[cj + i] }
          let norm = norm2.squareRoot()
          if norm == 0 { diag[j] = 0; continue }
          let alpha = Q[cj + j] > 0 ? -norm : norm
          // v = x − alpha·e_j stored in place; vᵀv = 2·norm·(norm + |x_j|)
          Q[cj + j] -= alpha
          let vtv = 2 * norm * (norm + Swift.abs(Q[cj + j] + alpha))
          diag[j] = alpha
          if vtv == 0 { continue }
          for c in (j + 1)..<Swift.max(j + 1, cols) {
            let cc = c * rows
            var s = 0.0
            for i in j..<rows { s += Q[cj + i] * Q[cc + i] }
            let f = 2 * s / vtv
            if f != 0 { for i in j..<rows { Q[cc + i] -= f * Q[cj + i] } }
          }
          for k in 0..<rhs {
            let ck = k * rows
            var s = 0.0
            for i in j..<rows { s += Q[cj + i] * Y[ck + i] }
            let f = 2 * s / vtv
            if f != 0 { for i in j..<rows { Y[ck + i] -= f * Q[cj + i] } }
          }
        }
      }
    }
    let maxPivot = diag.reduce(0) { Swift.max($0, Swift.abs($1)) }
    var x = [Double](repeating: 0, count: cols * rhs)
    var dependent: [Int] = []
    for j in stride(from: steps - 1, through: 0, by: -1) where Swift.abs(diag[j]) <= rankTolerance * maxPivot {
      dependent.append(j)
    }
    if cols > steps { dependent += Array(steps..<cols) }
    let dep = Set(dependent)
    for k in 0..<rhs {
      for j in stride(from: steps - 1, through: 0, by: -1) {
        if dep.contains(j) { x[j * rhs + k] = 0; continue }
        var s = y[k * rows + j]
        for c in (j + 1)..<Swift.max(j + 1, steps) where !dep.contains(c) { s -= q[c * rows + j] * x[c * rhs + k] }
        x[j * rhs + k] = s / diag[j]
      }
    }
    self.solution = x
    self.dependent = dependent.sorted()
  }
}
