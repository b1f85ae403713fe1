import Foundation
import Testing
@testable import Gauntlet

@Suite("Shapiro–Wilk and the normal distribution")
struct ShapiroWilkTests {
  /// Samples reproducible in Python: `u_i = ((7919·i + 13) mod 1009) / 1009`.
  static func sample(_ kind: String, _ n: Int) -> [Double] {
    let u = (0..<n).map { Double((7919 * $0 + 13) % 1009) / 1009 }
    switch kind {
    case "uniform": return u
    case "exponential": return u.map { -Foundation.log(1 - $0 * 0.999) }
    default: return (0..<n).map { NormalDistribution.quantile((Double($0) + 0.5) / Double(n)) + 0.01 * u[$0] }
    }
  }

  /// `scipy.stats.shapiro` (SciPy 1.17, Royston's AS R94) on the samples above: (kind, n, W, p).
  static let reference: [(String, Int, Double, Double)] = [
    ("uniform", 3, 0.879034257498, 0.321570284082),
    ("exponential", 3, 0.979805414212, 0.727672479936),
    ("normalish", 3, 0.999991159817, 0.994321512921),
    ("uniform", 4, 0.902297057633, 0.44255839528),
    ("exponential", 4, 0.998733880229, 0.996225176428),
    ("normalish", 4, 0.99899689572, 0.997092550191),
    ("uniform", 5, 0.958540006005, 0.797781645493),
    ("exponential", 5, 0.988948155051, 0.975880528759),
    ("uniform", 6, 0.987053422054, 0.980779527107),
    ("exponential", 6, 0.954787254551, 0.778801006482),
    ("uniform", 7, 0.96482861519, 0.85893122976),
    ("exponential", 7, 0.911449118076, 0.40599928006),
    ("uniform", 11, 0.959452714727, 0.764843058018),
    ("exponential", 11, 0.921421512399, 0.330658031167),
    ("uniform", 12, 0.972428845403, 0.934507355896),
    ("exponential", 12, 0.903763176779, 0.177376455986),
    ("uniform", 25, 0.96173675766, 0.450141079619),
    ("exponential", 25, 0.860525611647, 0.00280875306381),
    ("normalish", 25, 0.998676394948, 0.999999999993),
    ("uniform", 100, 0.952549236588, 0.00122595626048),
    ("exponential", 100, 0.860456318094, 2.94450516037e-08),
    ("uniform", 1000, 0.954821076682, 5.41870324092e-17),
    ("exponential", 1000, 0.832204203407, 3.93113636473e-31),
    ("normalish", 1000, 0.999941900086, 1),
    ("uniform", 4000, 0.95486892392, 1.72264147763e-33),
    ("exponential", 4000, 0.831913965488, 5.27781269712e-54),
  ]

  @Test func matchesSciPy() throws {
    for (kind, n, w, p) in Self.reference {
      let r = try ShapiroWilk.test(Self.sample(kind, n))
      // SciPy's Fortran routine works partly in single precision: W to ~1e-6, p relative ~1e-4.
      #expect(abs(r.w - w) < 2e-6, "\(kind) n=\(n): W \(r.w) vs \(w)")
      #expect(abs(r.pValue - p) <= 2e-4 * max(p, 1e-3) + 1e-6 * p, "\(kind) n=\(n): p \(r.pValue) vs \(p)")
    }
  }

  @Test func orderDoesNotMatterAndScaleDoesNot() throws {
    let x = Self.sample("exponential", 50)
    let a = try ShapiroWilk.test(x), b = try ShapiroWilk.test(x.reversed().map { 3 * $0 + 7 })
    #expect(abs(a.w - b.w) < 1e-12 && abs(a.pValue - b.pValue) < 1e-9)
  }

  @Test func normalSamplesPassAndSkewedOnesFail() throws {
    let z = normals(2000, seed: 3).map(Double.init)
    let r = try ShapiroWilk.test(Array(z.prefix(500)))
    #expect(r.w > 0.99 && r.pValue > 0.01)
    let e = try ShapiroWilk.test(z.prefix(500).map { Foundation.exp($0) })
    #expect(e.w < 0.8 && e.pValue < 1e-10)
  }

  @Test func badInputIsRejected() {
    #expect(throws: GauntletError.self) { try ShapiroWilk.test([1, 2]) }
    #expect(throws: GauntletError.self) { try ShapiroWilk.test([Double](repeating: 1, count: 10)) }
    #expect(throws: GauntletError.self) { try ShapiroWilk.test([1, 2, .nan]) }
    #expect(throws: GauntletError.self) { try ShapiroWilk.test((0..<5001).map(Double.init)) }
  }

  @Test func normalQuantileMatchesPython() {
    // statistics.NormalDist().inv_cdf (Python 3, also AS 241)
    let ref: [(Double, Double)] = [(1e-300, -37.047096299361201), (1e-10, -6.3613409024040557), (0.001, -3.0902323061678132),
                                   (0.02425, -1.9729610513118845), (0.3, -0.52440051270804067), (0.5, 0),
                                   (0.75, 0.67448975019608171), (0.97575, 1.9729610513118847), (0.999999, 4.7534243088170891)]
    for (p, q) in ref { #expect(abs(NormalDistribution.quantile(p) - q) <= 1e-14 * max(1, abs(q))) }
    for p in stride(from: 0.01, to: 1, by: 0.07) { #expect(abs(NormalDistribution.cdf(NormalDistribution.quantile(p)) - p) < 1e-14) }
    #expect(NormalDistribution.quantile(0) == -.infinity && NormalDistribution.quantile(1) == .infinity)
    #expect(NormalDistribution.quantile(1.5).isNaN)
  }
}
