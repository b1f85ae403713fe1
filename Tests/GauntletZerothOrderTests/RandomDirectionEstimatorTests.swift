import Testing
import Gauntlet

/// Unbiasedness on a quadratic: with N independent estimates of q directions each at the same
/// point, the mean estimate's relative error has RMS ≈ √(κ·(d+2)/(q·N)) with κ ≤ 2 for these
/// direction laws (E‖ĝ − ∇f‖² ≤ 2(d+2)‖∇f‖²/q for one-sided Gaussian; less for the others). We
/// assert relative error ≤ 4·√(2(d+2)/(q·N)), a 4-sigma-style bound, with fixed seeds.
@Suite struct RandomDirectionEstimatorTests {
  static let d = 12
  static let x: [Float] = (0..<d).map { Float($0 % 4) * 0.3 - 0.5 }

  static func estimators(q: Int) throws -> [RandomDirectionEstimator] {
    [try .rgf(sigma: 0.01, q: q), try .sphere(sigma: 0.01, q: q), try .nes(sigma: 0.01, q: q),
     try .spsa(delta: 0.01, q: q)]
  }

  func meanRelativeError(_ e: RandomDirectionEstimator, copies n: Int, on be: Backend, seed: UInt64) throws -> Float {
    let f = Quadratic.standard(Self.d)
    let pts = try Tensor(HostMath.repeatRow(Self.x, n), shape: [n, Self.d], on: be)
    let est = try e.estimate(f, at: pts, values: nil, key: PhiloxKey(seed: seed))
    let mean = HostMath.columnMeans(try est.gradient.toArray(), rows: n, cols: Self.d)
    let g = f.gradient(Self.x)
    return HostMath.norm(HostMath.sub(mean, g)) / HostMath.norm(g)
  }

  @Test(arguments: [2, 32])
  func meanEstimateIsUnbiasedOnQuadratic(q: Int) throws {
    let n = 1500
    for be in TestBackends.all {
      for e in try Self.estimators(q: q) {
        let err = try meanRelativeError(e, copies: n, on: be, seed: 11)
        let tol = 4 * (2 * Float(Self.d + 2) / Float(q * n)).squareRoot()
        #expect(err <= tol, "\(e.name) on \(be.name): relative error \(err) > \(tol)")
      }
    }
  }

  @Test func errorShrinksAsQGrows() throws {
    let be = TestBackends.cpu
    for (small, large) in zip(try Self.estimators(q: 1), try Self.estimators(q: 64)) {
      let e1 = try meanRelativeError(small, copies: 400, on: be, seed: 5)
      let e64 = try meanRelativeError(large, copies: 400, on: be, seed: 5)
      #expect(e64 < e1 / 2, "\(large.name): \(e64) vs q=1 \(e1)")
    }
  }

  @Test func reportsEvaluationsAndCallsObjectiveOnce() throws {
    let be = TestBackends.cpu
    let f = CountingObjective(Quadratic.standard(5))
    let pts = try Tensor(HostMath.repeatRow([0.1, 0.2, 0.3, 0.4, 0.5], 7), shape: [7, 5], on: be)
    let nes = try RandomDirectionEstimator.nes(sigma: 0.01, q: 6)
    let a = try nes.estimate(f, at: pts, values: nil, key: PhiloxKey(seed: 1))
    #expect(a.evaluations == [Int](repeating: 12, count: 7))
    #expect(f.rows == 7 * 12 && f.calls == 1)
    #expect(nes.maxEvaluationsPerPoint(dimension: 5, valuesKnown: false) == 12)

    let rgf = try RandomDirectionEstimator.rgf(sigma: 0.01, q: 6)
    let before = f.rows
    let b = try rgf.estimate(f, at: pts, values: nil, key: PhiloxKey(seed: 1))
    #expect(b.evaluations == [Int](repeating: 7, count: 7))
    #expect(f.rows - before == 7 * 7)
    let fx = try #require(b.values)
    let c = try rgf.estimate(f, at: pts, values: fx, key: PhiloxKey(seed: 1))
    #expect(c.evaluations == [Int](repeating: 6, count: 7))
    #expect(try c.gradient.toArray() == b.gradient.toArray(), "same key, same estimate")
  }

  /// Same key, same directions on every backend (Philox is bit-exact), so the estimates agree up
  /// to GEMM rounding: relative difference ≤ 1e-4.
  @Test func estimatesAgreeAcrossBackends() throws {
    let backends = TestBackends.all
    guard backends.count > 1 else { return }
    let f = Quadratic.standard(Self.d)
    for e in try Self.estimators(q: 7) {
      let est = try backends.map { be in
        try e.estimate(f, at: Tensor(HostMath.repeatRow(Self.x, 5), shape: [5, Self.d], on: be), values: nil,
                       key: PhiloxKey(seed: 3)).gradient.toArray()
      }
      for other in est.dropFirst() {
        #expect(HostMath.norm(HostMath.sub(other, est[0])) <= 1e-4 * HostMath.norm(est[0]), "\(e.name)")
      }
    }
  }

  @Test func sphereDirectionsHaveUnitNorm() throws {
    let be = TestBackends.cpu
    let e = try RandomDirectionEstimator.sphere(sigma: 0.1, q: 3)
    let u = try be.download(e.sampleDirections(rows: 9, dim: 17, key: PhiloxKey(seed: 2), on: be), count: 9 * 17)
    for r in 0..<9 { #expect(abs(HostMath.norm(Array(u[(r * 17)..<((r + 1) * 17)])) - 1) < 1e-5) }
  }

  @Test func rejectsBadParameters() throws {
    #expect(throws: GauntletError.self) { try RandomDirectionEstimator.nes(sigma: 0, q: 5) }
    #expect(throws: GauntletError.self) { try RandomDirectionEstimator.nes(sigma: -1, q: 5) }
    #expect(throws: GauntletError.self) { try RandomDirectionEstimator.rgf(sigma: .nan, q: 5) }
    #expect(throws: GauntletError.self) { try RandomDirectionEstimator.spsa(delta: .infinity, q: 5) }
    #expect(throws: GauntletError.self) { try RandomDirectionEstimator.sphere(sigma: 0.1, q: 0) }
    #expect(throws: GauntletError.self) { try RandomDirectionEstimator.nes(sigma: 0.1, q: -3) }
  }

  @Test func rejectsMismatchedShapes() throws {
    let be = TestBackends.cpu
    let e = try RandomDirectionEstimator.nes(sigma: 0.1, q: 2)
    let pts = try Tensor([Float](repeating: 0, count: 8), shape: [2, 4], on: be)
    #expect(throws: GauntletError.self) { try e.estimate(Quadratic.standard(5), at: pts, values: nil, key: PhiloxKey(seed: 0)) }
    let wrongValues = try Tensor([1, 2, 3], shape: [3], on: be)
    #expect(throws: GauntletError.self) { try e.estimate(Quadratic.standard(4), at: pts, values: wrongValues, key: PhiloxKey(seed: 0)) }
    let bad = ClosureObjective(dimension: 4) { p in try Tensor([1], shape: [1], on: p.backend) }
    #expect(throws: GauntletError.self) { try e.estimate(bad, at: pts, values: nil, key: PhiloxKey(seed: 0)) }
  }
}
