import Foundation
import GauntletCore

/// The Shapiro–Wilk test of normality (Shapiro & Wilk, Biometrika 52, 1965), with Royston's
/// approximations for the coefficients and the p-value (Royston, "Approximating the Shapiro–Wilk
/// W-test for non-normality", Statistics and Computing 2, 1992; algorithm AS R94, Applied
/// Statistics 44, 1995) — the algorithm of R's `shapiro.test` and SciPy's `shapiro`.
/// Valid for 3 ≤ n ≤ 5000.
///
/// ```swift
/// let r = try ShapiroWilk.test(distances)
/// r.w < 0.9   // PRADA's alarm
/// ```
public enum ShapiroWilk {
  public struct Result: Sendable, Hashable {
    /// W ∈ (0, 1]; small values mean non-normal.
    public let w: Double
    /// P(W ≤ observed) under normality.
    public let pValue: Double
  }

  public static let sizes = 3...5000

  /// Tests `x` (any order). Throws for n outside 3…5000, non-finite values, or zero range.
  public static func test(_ x: [Double]) throws -> Result {
    let n = x.count
    guard sizes.contains(n) else {
      throw GauntletError.invalidArgument(name: "x", detail: "Shapiro–Wilk needs 3…5000 values, got \(n)")
    }
    guard x.allSatisfy(\.isFinite) else {
      throw GauntletError.invalidArgument(name: "x", detail: "Shapiro–Wilk needs finite values")
    }
    let s = x.sorted()
    let range = s[n - 1] - s[0]
    guard range > 1e-19 * Swift.max(1, Swift.abs(s[0])) else {
      throw GauntletError.invalidArgument(name: "x", detail: "all \(n) values are equal: W is undefined")
    }
    let half = coefficients(n)                // a[1…n/2] of the upper half, a[i] > 0
    let nn2 = n / 2
    // Full antisymmetric coefficient vector in sorted order: −a[1] … −a[nn2], (0), a[nn2] … a[1].
    var a = [Double](repeating: 0, count: n)
    for i in 0..<nn2 { a[i] = -half[i]; a[n - 1 - i] = half[i] }
    // W = squared correlation of a and the sorted sample (computed as 1 − W to keep precision).
    let meanA = a.reduce(0, +) / Double(n)
    let meanX = s.reduce(0, +) / Double(n)
    var ssa = 0.0, ssx = 0.0, sax = 0.0
    for i in 0..<n {
      let da = a[i] - meanA, dx = (s[i] - meanX) / range
      ssa += da * da; ssx += dx * dx; sax += da * dx
    }
    let ssassx = (ssa * ssx).squareRoot()
    let w1 = (ssassx - sax) * (ssassx + sax) / (ssa * ssx)
    let w = 1 - w1
    return Result(w: w, pValue: pValue(w: w, w1: w1, n: n))
  }

  /// Royston's p-value for W.
  static func pValue(w: Double, w1: Double, n: Int) -> Double {
    let an = Double(n)
    if n == 3 {
      let p = 6 / Double.pi * (asin(w.squareRoot()) - Double.pi / 3)
      return Swift.max(0, p)
    }
    var y = Foundation.log(w1)
    let m: Double, sd: Double
    if n <= 11 {
      let gamma = poly([-2.273, 0.459], an)
      if y >= gamma { return 1e-99 }
      y = -Foundation.log(gamma - y)
      m = poly([0.544, -0.39978, 0.025054, -6.714e-4], an)
      sd = Foundation.exp(poly([1.3822, -0.77857, 0.062767, -0.0020322], an))
    } else {
      let lx = Foundation.log(an)
      m = poly([-1.5861, -0.31082, -0.083751, 0.0038915], lx)
      sd = Foundation.exp(poly([-0.4803, -0.082676, 0.0030302], lx))
    }
    return NormalDistribution.upperTail((y - m) / sd)
  }

  /// `c[0] + c[1]·x + c[2]·x² + …`
  static func poly(_ c: [Double], _ x: Double) -> Double {
    var r = 0.0
    for v in c.reversed() { r = r * x + v }
    return r
  }

  private static let cacheLock = NSLock()
  nonisolated(unsafe) private static var cache: [Int: [Double]] = [:]   // guarded by cacheLock

  /// Royston's coefficients `a[1…n/2]` (positive, largest first), cached per n.
  static func coefficients(_ n: Int) -> [Double] {
    if let c = cacheLock.withLock({ cache[n] }) { return c }
    let nn2 = n / 2
    var a = [Double](repeating: 0, count: nn2)
    if n == 3 {
      a[0] = 0.5.squareRoot()
    } else {
      let an25 = Double(n) + 0.25
      var m = [Double](repeating: 0, count: nn2)
      var summ2 = 0.0
      for i in 0..<nn2 {
        m[i] = NormalDistribution.quantile((Double(i + 1) - 0.375) / an25)   // negative: lower half
        summ2 += m[i] * m[i]
      }
      summ2 *= 2
      let ssumm2 = summ2.squareRoot()
      let rsn = 1 / Double(n).squareRoot()
      let a1 = poly([0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056], rsn) - m[0] / ssumm2
      let first: Int
      let fac: Double
      if n > 5 {
        first = 2
        let a2 = -m[1] / ssumm2 + poly([0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633], rsn)
        fac = ((summ2 - 2 * m[0] * m[0] - 2 * m[1] * m[1]) / (1 - 2 * a1 * a1 - 2 * a2 * a2)).squareRoot()
        a[1] = a2
      } else {
        first = 1
        fac = ((summ2 - 2 * m[0] * m[0]) / (1 - 2 * a1 * a1)).squareRoot()
      }
      a[0] = a1
      for i in first..<nn2 { a[i] = -m[i] / fac }
    }
    cacheLock.withLock { cache[n] = a }
    return a
  }
}
