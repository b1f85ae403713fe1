import Testing
import Gauntlet

@Suite struct PriorGuidedEstimatorTests {
  @Test func lambdaFollowsEquation12() {
    let D = 100, q = 10
    let span = Float(D + 2 * q - 2)
    #expect(PriorGuidedEstimator.optimalLambda(alpha: 0, dimension: D, q: q) == 0)
    #expect(PriorGuidedEstimator.optimalLambda(alpha: (1 / span).squareRoot() * 0.99, dimension: D, q: q) == 0)
    #expect(PriorGuidedEstimator.optimalLambda(alpha: 1, dimension: D, q: q) == 1)
    #expect(PriorGuidedEstimator.optimalLambda(alpha: -1, dimension: D, q: q) == 1)
    #expect(PriorGuidedEstimator.optimalLambda(alpha: (Float(2 * q - 1) / span).squareRoot(), dimension: D, q: q) > 0.9999)
    // Continuous at both ends and increasing in between.
    let lo = PriorGuidedEstimator.optimalLambda(alpha: (1 / span).squareRoot() * 1.01, dimension: D, q: q)
    let mid = PriorGuidedEstimator.optimalLambda(alpha: 0.3, dimension: D, q: q)
    let hi = PriorGuidedEstimator.optimalLambda(alpha: (Float(2 * q - 1) / span).squareRoot() * 0.999, dimension: D, q: q)
    #expect(lo >= 0 && lo < 0.05 && lo < mid && mid < hi && hi > 0.95 && hi <= 1)
  }

  @Test func exactPriorIsTrustedFully() throws {
    for be in TestBackends.all {
      let f = CountingObjective(Quadratic.standard(20))
      let x = try Tensor(HostMath.repeatRow((0..<20).map { Float($0) * 0.05 }, 4), shape: [4, 20], on: be)
      let q = Quadratic.standard(20)
      let e = try PriorGuidedEstimator(sigma: 1e-3, q: 8, normSamples: 20) { p in try q.gradient(at: p) }
      let est = try e.estimate(f, at: x, values: nil, key: PhiloxKey(seed: 9))
      #expect(est.priorWeights == [1, 1, 1, 1])
      #expect(est.evaluations == [22, 22, 22, 22])
      #expect(f.rows == 4 * 22)
      let cos = try EstimatorQuality.cosines(est.gradient, q.gradient(at: x))
      #expect(cos.allSatisfy { $0 > 0.999 })
    }
  }

  @Test func zeroPriorFallsBackToRandomDirections() throws {
    let be = TestBackends.cpu
    let q = Quadratic.standard(20)
    let x = try Tensor(HostMath.repeatRow((0..<20).map { Float($0) * 0.05 }, 300), shape: [300, 20], on: be)
    let e = try PriorGuidedEstimator(sigma: 1e-3, q: 8, normSamples: 4) { p in try Tensor(zeros: p.shape, on: p.backend) }
    let est = try e.estimate(q, at: x, values: q.values(at: x), key: PhiloxKey(seed: 9))
    #expect(est.priorWeights?.allSatisfy { $0 == 0 } == true)
    #expect(est.evaluations.allSatisfy { $0 == 1 + 4 + 8 })
    let cos = try EstimatorQuality.cosines(est.gradient, q.gradient(at: x))
    let mean = cos.reduce(0, +) / Float(cos.count)
    // Sphere directions, q = 8 in d = 20: E cos ≈ √(q/(q + d)) ≈ 0.53; well above 0 and below 1.
    #expect(mean > 0.4 && mean < 0.85, "mean cosine \(mean)")
  }

  @Test func noisyPriorBeatsPlainRGFAtEqualQueries() throws {
    let be = TestBackends.cpu
    let mlp = TinyMLP(dimension: 64, hidden: 32, seed: 3)
    let surrogate = mlp.perturbed(noise: 1.0, seed: 4)
    let x = try Tensor(Philox.fill(.uniform(lo: 0, hi: 1), key: PhiloxKey(seed: 8), counter: 0, count: 50 * 64),
                       shape: [50, 64], on: be)
    let prgf = try PriorGuidedEstimator(sigma: 1e-3, q: 10, normSamples: 10) { p in try surrogate.gradient(at: p) }
    let rgf = try RandomDirectionEstimator.rgf(sigma: 1e-3, q: 22)
    let rows = try EstimatorQuality.measure([prgf, rgf], on: mlp, at: x, trueGradient: mlp.gradient(at:),
                                            key: PhiloxKey(seed: 1))
    #expect(rows[0].queriesPerPoint <= rows[1].queriesPerPoint)
    #expect(rows[0].meanCosine > rows[1].meanCosine + 0.1, "\(rows)")
  }

  @Test func rejectsBadParametersAndPriors() throws {
    let zero: @Sendable (Tensor) throws -> Tensor = { p in try Tensor(zeros: p.shape, on: p.backend) }
    #expect(throws: GauntletError.self) { try PriorGuidedEstimator(sigma: 0, q: 5, prior: zero) }
    #expect(throws: GauntletError.self) { try PriorGuidedEstimator(sigma: 1e-3, q: 0, prior: zero) }
    #expect(throws: GauntletError.self) { try PriorGuidedEstimator(sigma: 1e-3, q: 3, normSamples: 0, prior: zero) }
    #expect(throws: GauntletError.self) { try PriorGuidedEstimator(sigma: .nan, q: 3, prior: zero) }
    let be = TestBackends.cpu
    let wrong = try PriorGuidedEstimator(sigma: 1e-3, q: 3) { p in try Tensor(zeros: [1, 2], on: p.backend) }
    let x = try Tensor([Float](repeating: 0, count: 8), shape: [2, 4], on: be)
    #expect(throws: GauntletError.self) { try wrong.estimate(Quadratic.standard(4), at: x, values: nil, key: PhiloxKey(seed: 0)) }
  }
}
