import Foundation
import GauntletCore
import GauntletModels
import GauntletOracle

/// Trains a substitute on a thief's transcript, on any backend: soft targets `softmax(log q / T)`
/// with `Loss.softCrossEntropy(temperature: T)` when scores were revealed (T = 1: plain
/// cross-entropy on the victim's probabilities, as in Tramèr et al. 2016 and Knockoff Nets),
/// one-hot labels with cross-entropy otherwise (Copycat, JBDA).
public enum SubstituteTraining {
  /// Targets sharpened (T < 1) or softened (T > 1): `q_j^(1/T) / Σ q^(1/T)` per row; zeros stay zero.
  public static func soften(_ q: [Float], classCount k: Int, temperature t: Float) -> [Float] {
    guard t != 1 else { return q }
    var out = q
    for r in 0..<(q.count / k) {
      let row = (r * k)..<((r + 1) * k)
      let logs = row.map { q[$0] > 0 ? Foundation.log(q[$0]) : -Float.infinity }
      let m = logs.max() ?? 0
      var s: Float = 0
      for (j, i) in row.enumerated() { out[i] = logs[j].isFinite ? Foundation.exp((logs[j] - m) / t) : 0; s += out[i] }
      if s > 0 { for i in row { out[i] /= s } }
    }
    return out
  }

  /// Fits `model` in place on `(inputs, targets)` rows. `epochs` is raised so that small
  /// transcripts still get about `minimumSteps` optimizer steps (capped at 200 epochs).
  static func fit(_ model: Sequential, inputs: [Float], targets: [Float], options o: ExtractionOptions,
                  epochs: Int? = nil, minimumSteps: Int = 600, round: UInt64 = 0) throws {
    let k = model.classCount
    let n = targets.count / k
    guard n > 0 else { return }
    let soft = SubstituteTraining.soften(targets, classCount: k, temperature: o.temperature)
    let set = try TrainingSet(inputs: inputs, sampleShape: model.inputShape, softTargets: soft, classCount: k, on: model.backend)
    let base = epochs ?? o.epochs
    let perEpoch = max(1, (n + o.batchSize - 1) / o.batchSize)
    let e = epochs != nil ? base : min(200, max(base, (minimumSteps + perEpoch - 1) / perEpoch))
    let loss: Loss = o.temperature == 1 ? .crossEntropy : .softCrossEntropy(temperature: o.temperature)
    _ = try Trainer(optimizer: try Adam(learningRate: o.learningRate),
                    options: TrainingOptions(epochs: e, batchSize: o.batchSize, seed: o.seed &+ round &* 7919, loss: loss,
                                             quiet: true, label: "substitute")).fit(model, on: set)
  }

  /// The substitute architecture: `arch` if given (must take `features` inputs and give `classes`
  /// outputs), else `mlp:<features>-128-<classes>`.
  static func build(_ arch: String?, features: Int, classes: Int, on backend: Backend, seed: UInt64) throws -> Sequential {
    let spec = try ModelSpec(parsing: arch.map { $0.replacingOccurrences(of: ";", with: "-") } ?? "mlp:\(features)-128-\(classes)")
    let model = try spec.build(on: backend, seed: seed)
    guard model.inputShape.reduce(1, *) == features, model.classCount == classes else {
      throw GauntletError.invalidArgument(
        name: "arch", detail: "substitute \(spec) takes \(model.inputShape) → \(model.classCount) classes; the oracle takes \(features) features → \(classes) classes")
    }
    return model
  }

  /// Host logits of `model` on host rows, batched.
  static func logits(_ model: Sequential, _ rows: [Float]) throws -> [Float] {
    let d = model.inputShape.reduce(1, *)
    let n = rows.count / d
    var out: [Float] = []; out.reserveCapacity(n * model.classCount)
    var s = 0
    while s < n {
      let b = min(2048, n - s)
      let x = try Tensor(Array(rows[(s * d)..<((s + b) * d)]), shape: [b] + model.inputShape, on: model.backend)
      out += try model.logits(x).toArray()
      s += b
    }
    return out
  }

  /// Host softmax of logits rows.
  static func softmax(_ z: [Float], classCount k: Int) -> [Float] {
    var p = z
    for r in 0..<(z.count / k) {
      let row = (r * k)..<((r + 1) * k)
      let m = z[row].max() ?? 0
      var s: Float = 0
      for i in row { p[i] = Foundation.exp(z[i] - m); s += p[i] }
      for i in row { p[i] /= s }
    }
    return p
  }

  static func argmax(_ z: [Float], classCount k: Int) -> [Int32] {
    (0..<(z.count / k)).map { r in
      var best = 0
      for j in 1..<k where z[r * k + j] > z[r * k + best] { best = j }
      return Int32(best)
    }
  }
}
