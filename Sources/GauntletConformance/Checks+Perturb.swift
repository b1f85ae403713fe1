import GauntletCore

extension Checker {
  /// perturbRows (plain, antithetic), perturbCoordinates and stepProject (L∞, L2, in place).
  /// `b ± σ·u` is an axpy: `Tol.axpy` relative to `|b| + |σ·u|`. stepProject is checked against
  /// the reference and, separately, for its invariants: ‖out − origin‖ ≤ ε (up to rounding) and
  /// lo ≤ out ≤ hi exactly.
  func perturbChecks() {
    for (s, q, dim) in [(1, 1, 1), (3, 5, 93), (2, 7, 144), (20, 50, 37)] {
      for antithetic in [false, true] {
        check("perturbRows", "\(s)×\(q)×\(dim)\(antithetic ? " antithetic" : "")") {
          try perturbRowsCase(s, q, dim, sigma: dim == 93 ? 1.5 : 0.01, antithetic: antithetic)
        }
      }
    }
    for (s, c, dim) in [(1, 1, 1), (4, 6, 93), (3, 17, 144), (10, 40, 100)] {
      check("perturbCoordinates", "\(s)×\(c)×\(dim)") { try perturbCoordinatesCase(s, c, dim, h: dim == 93 ? 0.5 : 1e-3) }
    }
    for norm in Norm.allCases {
      let (step, eps): (Float, Float) = norm == .linf ? (0.03, 0.04) : (0.5, 1)
      for (rows, cols) in [(1, 1), (7, 93), (93, 7), (64, 1000)] {
        check("stepProject", "\(norm) \(rows)x\(cols)") { try stepCase(norm, rows, cols, step, eps, inPlace: false) }
      }
      check("stepProject", "\(norm) 7x93 in place") { try stepCase(norm, 7, 93, step, eps, inPlace: true) }
      check("stepProject", "\(norm) 7x93 ε inactive") { try stepCase(norm, 7, 93, step, 100, inPlace: false) }
    }
  }

  func perturbRowsCase(_ samples: Int, _ q: Int, _ dim: Int, sigma: Float, antithetic: Bool) throws -> Measure {
    let base = uniform(samples * dim, 0, 1), u = uniform(samples * q * dim, -1, 1)
    let outCount = (antithetic ? 2 : 1) * samples * q * dim
    let out = try buffer(count: outCount + 3)
    try backend.perturbRows(base: try buffer(base), directions: try buffer(u), sigma: sigma, antithetic: antithetic,
                            into: out, samples: samples, directionsPerSample: q, dim: dim)
    var want: [Double] = [], scale: [Double] = []
    for r in 0..<(samples * q) {
      for sign in antithetic ? [1.0, -1.0] : [1.0] {
        for j in 0..<dim {
          let b = Double(base[(r / q) * dim + j]), su = Double(sigma) * Double(u[r * dim + j])
          want.append(b + sign * su); scale.append(Swift.abs(b) + Swift.abs(su))
        }
      }
    }
    want += [1234.5, 1234.5, 1234.5]; scale += [1234.5, 1234.5, 1234.5]
    return Metric.relative(try read(out), want, scale: scale, tolerance: Tol.axpy)
  }

  func perturbCoordinatesCase(_ samples: Int, _ c: Int, _ dim: Int, h: Float) throws -> Measure {
    let base = uniform(samples * dim, -1, 1)
    let idx = indices(samples * c, below: dim)
    let out = try buffer(count: 2 * samples * c * dim + 3)
    try backend.perturbCoordinates(base: try buffer(base), indices: idx, h: h, into: out,
                                   samples: samples, coordinatesPerSample: c, dim: dim)
    var want: [Double] = [], scale: [Double] = []
    for j in 0..<(samples * c) {
      for sign in [1.0, -1.0] {
        for i in 0..<dim {
          let b = Double(base[(j / c) * dim + i])
          let hit = i == Int(idx[j])
          want.append(hit ? b + sign * Double(h) : b); scale.append(Swift.abs(b) + (hit ? Double(h) : 0))
        }
      }
    }
    want += [1234.5, 1234.5, 1234.5]; scale += [1234.5, 1234.5, 1234.5]
    return Metric.relative(try read(out), want, scale: scale, tolerance: Tol.axpy)
  }

  func stepCase(_ norm: Norm, _ rows: Int, _ cols: Int, _ step: Float, _ eps: Float, inPlace: Bool) throws -> Measure {
    let n = rows * cols
    let origin = uniform(n, 0, 1)
    let x = zip(origin, uniform(n, -0.05, 0.05)).map { Swift.min(Swift.max($0 + $1, 0), 1) }
    let d = uniform(n, -1, 1)
    let bx = try buffer(x)
    let out = inPlace ? bx : try buffer(count: n)
    try backend.stepProject(x: bx, direction: try buffer(d), origin: try buffer(origin), stepSize: step, epsilon: eps,
                            norm: norm, lo: 0, hi: 1, into: out, rows: rows, cols: cols)
    let got = try read(out)
    // Reference: three roundings for δ, the L∞ clip or the L2 scale (a norm of `cols` terms),
    // one for origin + δ: 4 ulp (L∞) or (8 + cols/2) ulp (L2) of |x| + |step·d| + |origin| + ε.
    let tol = norm == .linf ? 4 * Tol.ulp : (8 + Double(cols) / 2) * Tol.ulp
    var want: [Double] = [], scale: [Double] = []
    var violations = 0, worst = 0.0, example: String?
    for r in 0..<rows {
      let range = (r * cols)..<((r + 1) * cols)
      var delta = range.map { Double(x[$0]) + Double(step) * Double(d[$0]) - Double(origin[$0]) }
      if norm == .linf {
        delta = delta.map { Swift.min(Swift.max($0, -Double(eps)), Double(eps)) }
      } else {
        let l = delta.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if l > Double(eps) { delta = delta.map { $0 * Double(eps) / l } }
      }
      for (j, i) in range.enumerated() {
        let o = Double(origin[i])
        want.append(Swift.min(Swift.max(o + delta[j], 0), 1))
        scale.append(Swift.abs(Double(x[i])) + Swift.abs(Double(step) * Double(d[i])) + Swift.abs(o) + Double(eps))
        if !(got[i] >= 0 && got[i] <= 1) {
          violations += 1; worst = .infinity; example = example ?? "out[\(i)] = \(got[i]) outside [0, 1]"
        }
      }
      // Invariant: the step stays in the ε-ball around the origin (slack: rounding of origin + δ).
      let diffs = range.map { Double(got[$0]) - Double(origin[$0]) }
      let size = norm == .linf ? diffs.map(Swift.abs).max() ?? 0 : diffs.reduce(0) { $0 + $1 * $1 }.squareRoot()
      let oNorm = norm == .linf ? range.map { Swift.abs(Double(origin[$0])) }.max() ?? 0
                                : range.reduce(0) { $0 + Double(origin[$1]) * Double(origin[$1]) }.squareRoot()
      let bound = Double(eps) + tol * (Double(eps) + oNorm)
      if size > bound {
        violations += 1; worst = Swift.max(worst, size - Double(eps))
        example = example ?? "row \(r): ‖out − origin‖ = \(size) > ε = \(eps)"
      }
    }
    return Metric.relative(got, want, scale: scale, tolerance: tol)
      .and(Metric.invariant("ε-ball / [lo, hi]", violations, worst, example))
  }
}
