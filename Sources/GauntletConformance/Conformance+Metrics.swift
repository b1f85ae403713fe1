/// Tolerances, in one place. `ulp` is one unit in the last place of a Float relative to its value
/// (2⁻²³ ≈ 1.19e-7): a relative error of `n·ulp` allows `n` ulps. References are rounded to Float
/// before comparing, so a correctly rounded result has error 0 and exact ops get tolerance 0.
enum Tol {
  static let ulp = Double(Float.ulpOfOne)
  /// Exact ops (copies, selections, max, comparisons, sign flips, products of two floats rounded
  /// once, sums of two floats) and the RNG: bit for bit.
  static let exact = 0.0
  /// `exp`, `log`: OpenCL 1.2 allows 3 ulp; +1 for slack.
  static let exp = 4 * ulp
  /// `tanh`: OpenCL allows 5 ulp; +1.
  static let tanh = 6 * ulp
  /// `sigmoid = 1/(1+exp(−x))`: exp (3) + add (0.5) + divide (OpenCL 2.5) ≈ 6; 8 with slack.
  static let sigmoid = 8 * ulp
  /// `sqrt`: OpenCL allows 3 ulp; +1.
  static let sqrt = 4 * ulp
  /// Division: OpenCL allows 2.5 ulp; 3.
  static let div = 3 * ulp
  /// `a + b·c` with or without fused multiply-add, relative to `|a| + |b·c|`: 2 roundings.
  static let axpy = 2 * ulp
  /// Sum of `n` terms in any order, relative to `Σ|xᵢ|`: γₙ ≈ n·2⁻²⁴ = n/2 ulp, +2.
  static func sum(_ n: Int) -> Double { (2 + Double(n) / 2) * ulp }
  /// Dot products of length `k`, relative to `|α|·Σ|aᵢ||bᵢ| + |β||c|` per entry: the
  /// "√k rule" bound (2 + √k) ulp (Higham §3.1, probabilistic; worst-case is γₖ). Real blocked
  /// or tree-summed GEMMs on inputs in [−1, 1) stay orders of magnitude below it, while a wrong
  /// product, a missed transpose, or a 1e-2 offset exceed it by far.
  static func gemm(_ k: Int) -> Double { (2 + Double(k).squareRoot()) * ulp }
}

/// Error measures that compare a backend's output with a reference.
enum Metric {
  /// `max |got − RN(want)| / max(scale, floor)` over all elements, with the worst one described.
  /// A NaN in `got` where `want` is not NaN counts as infinite error; NaN in both matches.
  static func relative(_ got: [Float], _ want: [Double], scale: [Double]? = nil, floor: Double = 1e-30,
                       tolerance: Double) -> Measure {
    guard got.count == want.count else {
      return Measure(maxError: .infinity, tolerance: tolerance, detail: "got \(got.count) values, expected \(want.count)")
    }
    var worst = 0.0, at = -1
    for i in got.indices {
      let w = Double(Float(want[i]))   // the correctly rounded answer
      let g = Double(got[i])
      if w.isNaN && g.isNaN { continue }
      if w == g { continue }             // also equal infinities
      let s = Swift.max(scale?[i] ?? Swift.abs(w), floor)
      let e = (g - w).magnitude / s
      let err = e.isNaN ? .infinity : e
      if err > worst || at < 0 { worst = err; at = i }
    }
    guard at >= 0 else { return Measure(maxError: 0, tolerance: tolerance) }
    let detail = worst > tolerance ? "worst at [\(at)]: got \(got[at]), want \(Float(want[at])) (\(want[at]))" : nil
    return Measure(maxError: worst, tolerance: tolerance, detail: detail)
  }

  /// Exact comparison with a Float reference: error = `max |got − want|`, plus a failure for any
  /// bit-pattern difference (so ±0 or a flipped low bit are caught).
  static func bitExact(_ got: [Float], _ want: [Float]) -> Measure {
    guard got.count == want.count else {
      return Measure(maxError: .infinity, tolerance: 0, detail: "got \(got.count) values, expected \(want.count)")
    }
    var worst = 0.0, mismatches = 0, first = -1
    for i in got.indices where got[i].bitPattern != want[i].bitPattern {
      mismatches += 1
      if first < 0 { first = i }
      let d = Double(got[i]) - Double(want[i])
      worst = Swift.max(worst, d.isNaN ? .infinity : d.magnitude)
    }
    guard mismatches > 0 else { return Measure(maxError: 0, tolerance: 0) }
    if worst == 0 { worst = Double.leastNonzeroMagnitude }
    let hex = { (x: Float) in "0x" + String(x.bitPattern, radix: 16) }
    return Measure(maxError: worst, tolerance: 0,
                   detail: "\(mismatches) of \(got.count) differ; first at [\(first)]: got \(got[first]) (\(hex(got[first]))), want \(want[first]) (\(hex(want[first])))")
  }

  /// Exact comparison of values with the correctly rounded reference (`−0 == +0`; NaN matches NaN):
  /// for exact ops, where the sign of a zero carries no meaning.
  static func exact(_ got: [Float], _ want: [Double]) -> Measure {
    guard got.count == want.count else {
      return Measure(maxError: .infinity, tolerance: 0, detail: "got \(got.count) values, expected \(want.count)")
    }
    var worst = 0.0, mismatches = 0, first = -1
    for i in got.indices {
      let w = Float(want[i]), g = got[i]
      if g == w || (g.isNaN && w.isNaN) { continue }
      mismatches += 1
      if first < 0 { first = i }
      let d = (Double(g) - Double(w)).magnitude
      worst = Swift.max(worst, d.isNaN ? .infinity : d)
    }
    guard mismatches > 0 else { return Measure(maxError: 0, tolerance: 0) }
    return Measure(maxError: worst, tolerance: 0,
                   detail: "\(mismatches) of \(got.count) differ; first at [\(first)]: got \(got[first]), want \(Float(want[first]))")
  }

  /// An invariant: passes when `violations` is empty.
  static func invariant(_ name: String, _ violations: Int, _ worst: Double, _ example: String?) -> Measure {
    Measure(maxError: violations == 0 ? 0 : worst, tolerance: 0,
            detail: violations == 0 ? nil : "\(name) broken at \(violations) entries: \(example ?? "")",
            ok: violations == 0)
  }
}
