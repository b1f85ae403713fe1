import Foundation
import GauntletCore
import GauntletData
import GauntletOracle

/// What a defense chain costs honest users on clean, labelled data.
///
/// The revealed answer of each row is turned into a distribution `q` for comparison with the
/// model's own softmax `p`: probabilities as they are, logits through a softmax, top-k or
/// thresholded rows renormalised by their sum, label-only answers as one-hot rows.
public struct UtilityCost: Sendable, Hashable, Codable, CustomStringConvertible {
  public let defense: String
  public let samples: Int
  /// Accuracy of the undefended model's argmax.
  public let cleanAccuracy: Double
  /// Accuracy of the labels the defended deployment reveals.
  public let defendedAccuracy: Double
  /// Fraction of rows whose revealed label differs from the undefended argmax.
  public let labelChangeRate: Double
  /// Mean `‖p − q‖₁` per row (0…2).
  public let meanL1: Double
  /// Mean `KL(p ‖ q) = Σ p log(p / max(q, klFloor))` per row, in nats.
  public let meanKL: Double

  /// Floor on revealed probabilities inside the KL divergence (a zeroed class costs `log(1/1e-6)`).
  public static let klFloor = 1e-6

  /// `cleanAccuracy − defendedAccuracy`.
  public var accuracyDrop: Double { cleanAccuracy - defendedAccuracy }

  public var description: String {
    String(format: "%@: accuracy %.4f → %.4f (drop %.4f), labels changed %.4f, mean L1 %.4f, mean KL %.4f nats (%d samples)",
           defense, cleanAccuracy, defendedAccuracy, accuracyDrop, labelChangeRate, meanL1, meanKL, samples)
  }

  /// Runs `inputs` (row-major, `labels.count` rows) through an unbudgeted oracle deploying `model`
  /// behind `defenses` with `mode`, in batches of `batchSize`, and compares the answers with the
  /// model's own outputs.
  ///
  /// ```swift
  /// let cost = try UtilityCost.measure(model: victim, defenses: DefenseChain(parsing: "round:1"),
  ///                                    inputs: test.features, labels: test.labels)
  /// ```
  public static func measure(model: any Classifier, defenses: DefenseChain, inputs: [Float], labels: [Int32],
                             mode: OutputMode = .probabilities, batchSize: Int = 1024) throws -> UtilityCost {
    let F = model.inputShape.reduce(1, *), K = model.classCount, n = labels.count
    guard n > 0, inputs.count == n * F else {
      throw GauntletError.shapeMismatch(operation: "UtilityCost.measure",
                                        detail: "\(inputs.count) input values for \(n) labels of \(F) features")
    }
    guard batchSize >= 1 else {
      throw GauntletError.invalidArgument(name: "batchSize", detail: "must be ≥ 1, got \(batchSize)")
    }
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(mode: mode, defenses: defenses))
    var clean = 0, defended = 0, changed = 0
    var l1 = 0.0, kl = 0.0
    var start = 0
    while start < n {
      let m = Swift.min(batchSize, n - start)
      let x = Array(inputs[(start * F)..<((start + m) * F)])
      let p = try softmax(model.logits(Tensor(x, shape: [m] + model.inputShape, on: model.backend)).toArray(), cols: K)
      let answer = try oracle.query(x, client: "utility-measurement")
      let q = try answer.distributionRows()
      for r in 0..<m {
        var best = 0
        for j in 1..<K where p[r * K + j] > p[r * K + best] { best = j }
        let y = Int(labels[start + r]), shown = Int(answer.labels[r])
        if best == y { clean += 1 }
        if shown == y { defended += 1 }
        if shown != best { changed += 1 }
        for j in 0..<K {
          let pj = p[r * K + j], qj = Double(q[r * K + j])
          l1 += Swift.abs(pj - qj)
          if pj > 0 { kl += pj * Foundation.log(pj / Swift.max(qj, klFloor)) }
        }
      }
      start += m
    }
    let d = Double(n)
    return UtilityCost(defense: defenses.spec, samples: n, cleanAccuracy: Double(clean) / d,
                       defendedAccuracy: Double(defended) / d, labelChangeRate: Double(changed) / d,
                       meanL1: l1 / d, meanKL: kl / d)
  }

  /// `measure` on a labelled dataset (e.g. `Datasets.digitsTrainTest().test`).
  public static func measure(model: any Classifier, defenses: DefenseChain, dataset: Dataset,
                             mode: OutputMode = .probabilities, batchSize: Int = 1024) throws -> UtilityCost {
    try measure(model: model, defenses: defenses, inputs: dataset.features, labels: dataset.labels,
                mode: mode, batchSize: batchSize)
  }

  static func softmax(_ z: [Float], cols: Int) -> [Double] {
    var out = [Double](repeating: 0, count: z.count)
    for r in 0..<(z.count / cols) {
      let row = z[(r * cols)..<((r + 1) * cols)].map(Double.init)
      let m = row.max() ?? 0
      let e = row.map { Foundation.exp($0 - m) }
      let s = e.reduce(0, +)
      for j in 0..<cols { out[r * cols + j] = e[j] / s }
    }
    return out
  }
}
