import Testing
import Gauntlet

/// The cosine-vs-queries table of README-zo.md: every estimator on a fixed 64-input tanh MLP
/// (the digits input size) with its analytic gradient, at 100 random points in [0, 1]⁶⁴.
@Suite struct EstimatorQualityTests {
  static func table(on be: Backend) throws -> [EstimatorQuality.Row] {
    let mlp = TinyMLP(dimension: 64, hidden: 32, seed: 3)
    let surrogate = mlp.perturbed(noise: 1.0, seed: 4)
    let x = try Tensor(Philox.fill(.uniform(lo: 0, hi: 1), key: PhiloxKey(seed: 8), counter: 0, count: 100 * 64),
                       shape: [100, 64], on: be)
    let prior: @Sendable (Tensor) throws -> Tensor = { p in try surrogate.gradient(at: p) }
    let estimators: [any GradientEstimator] = [
      try CoordinateEstimator(h: 1e-3, scheme: .forward), try CoordinateEstimator(h: 1e-3, scheme: .central),
      try CoordinateEstimator(h: 1e-3, scheme: .central, coordinates: .random(count: 16)),
      try RandomDirectionEstimator.rgf(sigma: 1e-3, q: 10), try RandomDirectionEstimator.rgf(sigma: 1e-3, q: 50),
      try RandomDirectionEstimator.sphere(sigma: 1e-3, q: 10), try RandomDirectionEstimator.sphere(sigma: 1e-3, q: 50),
      try RandomDirectionEstimator.nes(sigma: 1e-3, q: 5), try RandomDirectionEstimator.nes(sigma: 1e-3, q: 25),
      try RandomDirectionEstimator.spsa(delta: 1e-3, q: 5), try RandomDirectionEstimator.spsa(delta: 1e-3, q: 25),
      try PriorGuidedEstimator(sigma: 1e-3, q: 10, normSamples: 10, prior: prior),
      try PriorGuidedEstimator(sigma: 1e-3, q: 40, normSamples: 10, prior: prior),
    ]
    return try EstimatorQuality.measure(estimators, on: mlp, at: x, trueGradient: mlp.gradient(at:), key: PhiloxKey(seed: 1))
  }

  @Test func cosineGrowsWithQueriesAndFiniteDifferencesAreExact() throws {
    let rows = try Self.table(on: TestBackends.cpu)
    print(EstimatorQuality.markdownTable(rows))
    let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0.estimator, $0) })
    let cos = { (n: String) throws -> Double in try #require(byName[n]).meanCosine }
    #expect(try cos("fd-central(h=0.001,all)") > 0.999)
    #expect(try cos("fd-forward(h=0.001,all)") > 0.99)
    #expect(try cos("rgf(σ=0.001,q=50)") > cos("rgf(σ=0.001,q=10)"))
    #expect(try cos("sphere(σ=0.001,q=50)") > cos("sphere(σ=0.001,q=10)"))
    #expect(try cos("nes(σ=0.001,q=25)") > cos("nes(σ=0.001,q=5)"))
    #expect(try cos("spsa(δ=0.001,q=25)") > cos("spsa(δ=0.001,q=5)"))
    #expect(try cos("p-rgf(σ=0.001,q=10,S=10)") > cos("rgf(σ=0.001,q=10)"))
    // Gaussian directions in d = 64: E cos ≈ √(q/(q + d)) (0.37 at q = 10, 0.66 at 50).
    let rgf10 = try cos("rgf(σ=0.001,q=10)")
    #expect(rgf10 > 0.25 && rgf10 < 0.55)
  }
}
