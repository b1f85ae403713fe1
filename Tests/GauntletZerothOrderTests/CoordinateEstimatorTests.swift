import Testing
import Gauntlet

@Suite struct CoordinateEstimatorTests {
  static let d = 9
  static let pts: [Float] = (0..<(3 * d)).map { Float($0 % 7) * 0.25 - 0.6 }

  /// Central differences are exact on a quadratic up to float rounding: tolerance 2e-3·‖∇f‖
  /// (h = 1e-2, values ~1, float32 cancellation error ~1e-7/h per coordinate).
  @Test func centralDifferencesRecoverQuadraticGradient() throws {
    for be in TestBackends.all {
      let f = CountingObjective(Quadratic.standard(Self.d))
      let x = try Tensor(Self.pts, shape: [3, Self.d], on: be)
      let fd = try CoordinateEstimator(h: 1e-2, scheme: .central, coordinates: .all)
      let est = try fd.estimate(f, at: x, values: nil, key: PhiloxKey(seed: 0))
      let truth = try Quadratic.standard(Self.d).gradient(at: x).toArray()
      let g = try est.gradient.toArray()
      #expect(HostMath.norm(HostMath.sub(g, truth)) <= 2e-3 * HostMath.norm(truth))
      #expect(est.evaluations == [18, 18, 18])
      #expect(f.rows == 3 * 18 && f.calls == 1)
    }
  }

  /// Forward differences have bias a_i·h/2 per coordinate on the quadratic (a_i ≤ 2): ≤ h per entry.
  @Test func forwardDifferencesHaveBoundedBias() throws {
    let be = TestBackends.cpu
    let q = Quadratic.standard(Self.d)
    let f = CountingObjective(q)
    let x = try Tensor(Self.pts, shape: [3, Self.d], on: be)
    let h: Float = 1e-2
    let fd = try CoordinateEstimator(h: h, scheme: .forward, coordinates: .all)
    let est = try fd.estimate(f, at: x, values: nil, key: PhiloxKey(seed: 0))
    let truth = try q.gradient(at: x).toArray()
    let g = try est.gradient.toArray()
    for i in g.indices { #expect(abs(g[i] - truth[i]) <= h + 1e-3) }
    #expect(est.evaluations == [10, 10, 10])
    let fx = try #require(est.values)
    let again = try fd.estimate(f, at: x, values: fx, key: PhiloxKey(seed: 0))
    #expect(again.evaluations == [9, 9, 9])
  }

  @Test func randomSubsetsAreDistinctAndOnlyThoseEntriesAreSet() throws {
    let be = TestBackends.cpu
    let fd = try CoordinateEstimator(h: 1e-2, scheme: .central, coordinates: .random(count: 4))
    let idx = try fd.chooseCoordinates(points: 5, dimension: Self.d, key: PhiloxKey(seed: 4))
    #expect(idx.count == 20)
    for s in 0..<5 {
      let row = Array(idx[(s * 4)..<(s * 4 + 4)])
      #expect(Set(row).count == 4 && row.allSatisfy { $0 >= 0 && $0 < Int32(Self.d) })
    }
    let x = try Tensor(Array(Self.pts.prefix(Self.d)), shape: [1, Self.d], on: be)
    let est = try fd.estimate(Quadratic.standard(Self.d), at: x, values: nil, key: PhiloxKey(seed: 4))
    let chosen = try fd.chooseCoordinates(points: 1, dimension: Self.d, key: PhiloxKey(seed: 4))
    let g = try est.gradient.toArray()
    let truth = Quadratic.standard(Self.d).gradient(Array(Self.pts.prefix(Self.d)))
    for i in 0..<Self.d {
      if chosen.contains(Int32(i)) { #expect(abs(g[i] - truth[i]) < 1e-2) } else { #expect(g[i] == 0) }
    }
    #expect(est.evaluations == [8])
  }

  @Test func secondDerivativesWithKnownValues() throws {
    let be = TestBackends.cpu
    let q = Quadratic.standard(Self.d)
    let x = try Tensor(Array(Self.pts.prefix(Self.d)), shape: [1, Self.d], on: be)
    let fd = try CoordinateEstimator(h: 0.05, scheme: .central, coordinates: .subset([0, 3, 8]))
    let p = try fd.partials(q, at: x, coordinates: [0, 3, 8], coordinatesPerPoint: 3, values: q.values(at: x))
    let second = try #require(p.secondDerivatives)
    for (k, i) in [0, 3, 8].enumerated() { #expect(abs(second[k] - q.a[i]) < 0.02) }
  }

  @Test func rejectsBadParameters() throws {
    #expect(throws: GauntletError.self) { try CoordinateEstimator(h: 0) }
    #expect(throws: GauntletError.self) { try CoordinateEstimator(h: .nan) }
    #expect(throws: GauntletError.self) { try CoordinateEstimator(h: 1e-3, coordinates: .random(count: 0)) }
    #expect(throws: GauntletError.self) { try CoordinateEstimator(h: 1e-3, coordinates: .subset([])) }
    #expect(throws: GauntletError.self) { try CoordinateEstimator(h: 1e-3, coordinates: .subset([-1])) }
    let be = TestBackends.cpu
    let x = try Tensor([0, 0, 0], shape: [1, 3], on: be)
    let outOfRange = try CoordinateEstimator(h: 1e-3, coordinates: .subset([5]))
    #expect(throws: GauntletError.self) { try outOfRange.estimate(Quadratic.standard(3), at: x, values: nil, key: PhiloxKey(seed: 0)) }
  }
}
