import Testing
import Gauntlet

/// An objective that is a different function for every base point: `f_s(x) = ½‖x − c_s‖²`, so an
/// estimator that attributes a row to the wrong base point gets a visibly wrong gradient.
struct PerPointQuadratic: BatchObjective {
  let centres: [[Float]]
  var dimension: Int { centres[0].count }
  func values(at points: Tensor) throws -> Tensor { try values(at: points, owners: .blocks(rowsPerPoint: 1)) }
  func values(at points: Tensor, owners: RowOwners) throws -> Tensor {
    let h = try points.toArray(), d = dimension
    let v = (0..<points.rows).map { r -> Float in
      let c = centres[owners.owner(ofRow: r)]
      return (0..<d).reduce(Float(0)) { $0 + 0.5 * (h[r * d + $1] - c[$1]) * (h[r * d + $1] - c[$1]) }
    }
    return try Tensor(v, shape: [points.rows], on: points.backend)
  }
}

@Suite struct RowOwnersTests {
  @Test func everyEstimatorAttributesRowsToTheirBasePoint() throws {
    let be = TestBackends.cpu
    let d = 6, n = 4
    let centres: [[Float]] = (0..<n).map { s in
      Philox.fill(.normal(mean: 0, std: 2), key: PhiloxKey(seed: 40 + UInt64(s)), counter: 0, count: d)
    }
    // The per-point gradients point in clearly different directions (else the test proves nothing).
    for s in 1..<n {
      let a = centres[0].map { 0.5 - $0 }, b = centres[s].map { 0.5 - $0 }
      let c = zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 } / (HostMath.norm(a) * HostMath.norm(b))
      #expect(c < 0.7)
    }
    let f = PerPointQuadratic(centres: centres)
    let x = try Tensor([Float](repeating: 0.5, count: n * d), shape: [n, d], on: be)
    let truth = (0..<n).flatMap { s in (0..<d).map { 0.5 - centres[s][$0] } }
    let truthT = try Tensor(truth, shape: [n, d], on: be)
    let estimators: [any GradientEstimator] = [
      try CoordinateEstimator(h: 1e-2, scheme: .central), try CoordinateEstimator(h: 1e-2, scheme: .forward),
      try RandomDirectionEstimator.rgf(sigma: 1e-2, q: 400), try RandomDirectionEstimator.nes(sigma: 1e-2, q: 200),
      try PriorGuidedEstimator(sigma: 1e-2, q: 200, normSamples: 50) { _ in truthT },
      try PriorGuidedEstimator(sigma: 1e-2, q: 400, normSamples: 50) { p in try Tensor(zeros: p.shape, on: p.backend) },
    ]
    for e in estimators {
      let est = try e.estimate(f, at: x, values: nil, key: PhiloxKey(seed: 21))
      let cos = try EstimatorQuality.cosines(est.gradient, truthT)
      #expect(cos.allSatisfy { $0 > 0.9 }, "\(e.name): \(cos)")
    }
  }

  @Test func ownersMapRows() {
    #expect(RowOwners.blocks(rowsPerPoint: 3).owners(rowCount: 7) == [0, 0, 0, 1, 1, 1, 2])
    #expect(RowOwners.rows([2, 0, 1]).owner(ofRow: 0) == 2)
  }
}
