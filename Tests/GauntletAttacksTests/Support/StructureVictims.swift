import Foundation
import Gauntlet

/// Small victims for the exact-extraction tests: trained briefly on the digits (CPU), then copied
/// to the requested backend so every backend attacks the same weights. Cached per (spec, seed).
enum StructureVictims {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var trained: [String: [[Float]]] = [:]

  /// `mlp:64-<width>-10` (one hidden ReLU layer) trained `epochs` epochs.
  static func relu(width: Int, on backend: Backend, seed: UInt64 = 1, epochs: Int = 3) throws -> Sequential {
    try model("mlp:64-\(width)-10", on: backend, seed: seed, epochs: epochs)
  }

  /// `mlp:64-10`: softmax regression on the digits.
  static func softmaxRegression(on backend: Backend, seed: UInt64 = 1, epochs: Int = 3) throws -> Sequential {
    try model("mlp:64-10", on: backend, seed: seed, epochs: epochs)
  }

  /// Any `mlp:` spec, trained on the digits (a 2-class spec, e.g. `mlp:64-2` = logistic regression,
  /// learns "digit is 0" vs the rest).
  static func model(_ spec: String, on backend: Backend, seed: UInt64, epochs: Int) throws -> Sequential {
    let key = "\(spec)#\(seed)#\(epochs)"
    let values: [[Float]] = try lock.withLock {
      if let v = trained[key] { return v }
      let m = try ModelSpec(parsing: spec).build(on: Fixtures.cpu, seed: seed)
      if epochs > 0 {
        var (train, _) = try Datasets.digitsTrainTest()
        if m.classCount == 2 {
          train = try Dataset(name: "digits-0", features: train.features, labels: train.labels.map { $0 == 0 ? 0 : 1 },
                              sampleShape: train.sampleShape, classCount: 2)
        }
        try Gauntlet.train(model: m, on: Fixtures.cpu, dataset: train, epochs: epochs, batchSize: 32, seed: seed,
                           optimizer: try Adam(learningRate: 2e-3), quiet: true)
      }
      let v = try m.parameters.map { try $0.values() }
      trained[key] = v
      return v
    }
    let out = try ModelSpec(parsing: spec).build(on: backend, seed: seed)
    for (p, v) in zip(out.parameters, values) { try p.load(v) }
    return out
  }

  static func oracle(_ model: Sequential, mode: OutputMode = .logits, budget: Int? = nil) throws -> Oracle {
    try Oracle(model: model, configuration: OracleConfiguration(
      mode: mode, budget: QueryBudget(perClient: budget), inputBounds: 0...1))
  }
}
