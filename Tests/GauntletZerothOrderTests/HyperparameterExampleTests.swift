import Testing
import Foundation
import Gauntlet

/// The README example: tuning a training run's learning rate and weight decay as a black-box
/// objective with the ZerothOrder module.
enum ZOExamples {
  /// Validation cross-entropy of a softmax regression trained by full-batch gradient descent on
  /// `train` for `epochs`, with step `lr` and L2 weight decay `wd`. Deterministic (zero init).
  static func validationLoss(lr: Float, wd: Float, train: Dataset, valid: Dataset, epochs: Int) -> Float {
    let d = train.featureCount, k = train.classCount
    var w = [Float](repeating: 0, count: d * k), b = [Float](repeating: 0, count: k)
    func probs(_ x: ArraySlice<Float>) -> [Float] {
      var z = b
      for (i, xi) in x.enumerated() where xi != 0 { for c in 0..<k { z[c] += xi * w[i * k + c] } }
      let m = z.max() ?? 0
      let e = z.map { expf($0 - m) }, s = e.reduce(0, +)
      return e.map { $0 / s }
    }
    for _ in 0..<epochs {
      var gw = [Float](repeating: 0, count: d * k), gb = [Float](repeating: 0, count: k)
      for n in 0..<train.count {
        let x = train.features[(n * d)..<((n + 1) * d)]
        var p = probs(x)
        p[Int(train.labels[n])] -= 1
        for (i, xi) in x.enumerated() where xi != 0 { for c in 0..<k { gw[i * k + c] += xi * p[c] } }
        for c in 0..<k { gb[c] += p[c] }
      }
      let scale = lr / Float(train.count)
      for j in w.indices { w[j] -= scale * gw[j] + lr * wd * w[j] }
      for c in 0..<k { b[c] -= scale * gb[c] }
    }
    var loss: Float = 0
    for n in 0..<valid.count {
      let p = probs(valid.features[(n * d)..<((n + 1) * d)])
      loss -= logf(max(p[Int(valid.labels[n])], 1e-12))
    }
    return loss / Float(valid.count)
  }

  /// Tunes `(log₁₀ lr, log₁₀ wd)` of `validationLoss` with ZO-AdaMM on forward differences, inside the
  /// box `[−3, 1] × [−6, −1]`, spending at most `budget` training runs.
  ///
  /// ```swift
  /// let (train, valid) = try Datasets.digitsTrainTest()
  /// let objective = RowwiseObjective(dimension: 2) { h in
  ///   ZOExamples.validationLoss(lr: pow(10, h[0]), wd: pow(10, h[1]), train: train, valid: valid, epochs: 15)
  /// }
  /// let zo = try ZOMinimizer(estimator: CoordinateEstimator(h: 0.1, scheme: .forward),
  ///                          rule: .adaMM(learningRate: 0.4), box: Box(lower: [-3, -6], upper: [1, -1]))
  /// let best = try zo.minimize(objective, x0: Tensor([-3, -4], shape: [1, 2], on: backend), budget: 25)
  /// ```
  static func tune(train: Dataset, valid: Dataset, epochs: Int, budget: Int, on backend: Backend)
      throws -> (start: Float, result: ZOResult) {
    let objective = RowwiseObjective(dimension: 2) { h in
      validationLoss(lr: powf(10, h[0]), wd: powf(10, h[1]), train: train, valid: valid, epochs: epochs)
    }
    let zo = try ZOMinimizer(estimator: CoordinateEstimator(h: 0.1, scheme: .forward),
                             rule: .adaMM(learningRate: 0.4), box: Box(lower: [-3, -6], upper: [1, -1]),
                             key: PhiloxKey(seed: 7))
    let x0 = try Tensor([-3, -4], shape: [1, 2], on: backend)
    let start = try objective.values(at: x0).toArray()[0]
    return (start, try zo.minimize(objective, x0: x0, budget: budget))
  }
}

@Suite struct HyperparameterExampleTests {
  /// Starting from lr = 1e-3 (far too small for 15 epochs), 25 training runs find settings whose
  /// validation loss is at most half the starting one; the run count is within the budget.
  @Test func tunesLearningRateAndWeightDecay() throws {
    let (train, test) = try Datasets.digitsTrainTest()
    let small = try train.subset(Array(0..<300)), valid = try test.subset(Array(0..<150))
    let (start, r) = try ZOExamples.tune(train: small, valid: valid, epochs: 15, budget: 25, on: TestBackends.cpu)
    let h = try r.x.toArray()
    print("hyper-parameter tuning: loss \(start) → \(r.values[0]) at lr = 1e\(h[0]), wd = 1e\(h[1]) in \(r.evaluations[0]) runs")
    #expect(r.values[0] <= 0.5 * start)
    #expect(r.evaluations[0] <= 25)
    #expect(h[0] >= -3 && h[0] <= 1 && h[1] >= -6 && h[1] <= -1)
  }
}
