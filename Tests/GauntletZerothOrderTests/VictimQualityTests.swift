import Testing
import Foundation
import Gauntlet

/// The cosine-vs-queries check on a real model: the cross-entropy loss of the trained digits
/// victim (`VictimRecipes.digitsMLP`, seed 1) at 100 test points, its exact input gradient from
/// `inputGradient`, and a second MLP (seed 2) as P-RGF's prior. The loss differs per point (its
/// label), so the objective reads `RowOwners` to pick each row's label.
struct VictimLoss: BatchObjective {
  let model: Sequential
  let labels: [Int32]
  var dimension: Int { 64 }

  func values(at points: Tensor) throws -> Tensor { try values(at: points, owners: .blocks(rowsPerPoint: 1)) }

  func values(at points: Tensor, owners: RowOwners) throws -> Tensor {
    let z = try model.logits(points).toArray(), m = points.rows
    // CE = log Σ_j exp(z_j − z_y) = log1p(Σ_{j≠y} exp(z_j − z_y)): keeps the ~1e-7 losses of
    // confident points resolvable (lse − z_y would cancel to 0 in float32).
    let v = (0..<m).map { r -> Float in
      let y = Int(labels[owners.owner(ofRow: r)]), zy = z[r * 10 + y]
      var rest: Float = 0
      for j in 0..<10 where j != y { rest += expf(z[r * 10 + j] - zy) }
      return log1pf(rest)
    }
    return try Tensor(v, shape: [m], on: points.backend)
  }

  static func gradient(_ model: Sequential, _ x: Tensor, _ labels: [Int32]) throws -> Tensor {
    let z = try model.logits(x).toArray(), m = x.rows
    var g = [Float](repeating: 0, count: m * 10)
    for r in 0..<m {
      let row = z[(r * 10)..<((r + 1) * 10)], mx = row.max() ?? 0
      let e = row.map { expf($0 - mx) }, s = e.reduce(0, +)
      for j in 0..<10 { g[r * 10 + j] = e[j] / s - (j == Int(labels[r]) ? 1 : 0) }
    }
    return try model.inputGradient(x, gradLogits: Tensor(g, shape: [m, 10], on: x.backend)).reshaped([m, 64])
  }
}

@Suite struct VictimQualityTests {
  @Test func estimatorsOnTheDigitsVictim() throws {
    let be = TestBackends.cpu
    let victim = try VictimRecipes.digitsMLP(on: be, seed: 1)
    let surrogate = try VictimRecipes.digitsMLP(on: be, seed: 2)
    let (_, test) = try Datasets.digitsTrainTest()
    let x = try Tensor(Array(test.features.prefix(100 * 64)), shape: [100, 64], on: be)
    let y = Array(test.labels.prefix(100))
    let f = VictimLoss(model: victim, labels: y)
    let prior: @Sendable (Tensor) throws -> Tensor = { p in try VictimLoss.gradient(surrogate, p, y) }
    let estimators: [any GradientEstimator] = [
      try CoordinateEstimator(h: 1e-3, scheme: .central),
      try RandomDirectionEstimator.rgf(sigma: 1e-3, q: 10), try RandomDirectionEstimator.rgf(sigma: 1e-3, q: 50),
      try RandomDirectionEstimator.nes(sigma: 1e-3, q: 5), try RandomDirectionEstimator.nes(sigma: 1e-3, q: 25),
      try RandomDirectionEstimator.spsa(delta: 1e-3, q: 25),
      try PriorGuidedEstimator(sigma: 1e-3, q: 10, normSamples: 10, prior: prior),
    ]
    let rows = try EstimatorQuality.measure(estimators, on: f, at: x, trueGradient: { try VictimLoss.gradient(victim, $0, y) },
                                            key: PhiloxKey(seed: 1))
    print(EstimatorQuality.markdownTable(rows))
    #expect(rows[0].meanCosine > 0.95, "central differences on the victim (ReLU kinks, float32 losses ~1e-7): \(rows[0].meanCosine)")
    #expect(rows[2].meanCosine > rows[1].meanCosine && rows[4].meanCosine > rows[3].meanCosine)
    #expect(rows[6].meanCosine > rows[1].meanCosine, "a surrogate prior beats RGF at equal queries")
  }
}
