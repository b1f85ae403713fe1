import Foundation
import Testing
import Gauntlet

/// Fixtures for the extraction tests: a tiny digits victim per backend (`mlp:64-24-10`, 8 epochs,
/// trained once, lazily), the digits split, and a cheap attack configuration.
enum ExtractionFixtures {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var victims: [ObjectIdentifier: Sequential] = [:]

  static func victim(on backend: Backend) throws -> Sequential {
    try lock.withLock {
      if let v = victims[ObjectIdentifier(backend)] { return v }
      let v = try ModelSpec(parsing: "mlp:64-24-10").build(on: backend, seed: 3)
      try train(model: v, on: backend, dataset: Datasets.digitsTrainTest().train, epochs: 8, batchSize: 32, seed: 3,
                optimizer: try Adam(learningRate: 3e-3), quiet: true)
      victims[ObjectIdentifier(backend)] = v
      return v
    }
  }

  /// The digits training split as thief data (problem-domain, labels dropped).
  static func thief() throws -> ThiefData {
    try ThiefData(features: Datasets.digitsTrainTest().train.features, featureCount: 64, name: "digits-train")
  }

  static func evaluation(_ victim: Sequential) throws -> ExtractionEvaluation {
    let test = try Datasets.digitsTrainTest().test
    return try ExtractionEvaluation(victim: victim, testInputs: test.features, testLabels: test.labels, box: 0...1,
                                    uniformSamples: 200, pgdSteps: 5, transferSamples: 40)
  }

  static func oracle(_ victim: Sequential, mode: OutputMode = .probabilities, defense: String = "none",
                     monitors: [any QueryMonitor] = [], budget: Int? = nil) throws -> Oracle {
    let chain = try DefenseChain(parsing: defense, context: DefenseContext(surrogate: victim, key: 0x5EC))
    return try Oracle(model: victim, configuration: OracleConfiguration(
      mode: mode, defenses: chain, monitors: monitors, budget: QueryBudget(perClient: budget), inputBounds: 0...1))
  }

  /// Small substitute and short training: what keeps these tests fast in debug builds.
  static let cheap = "arch=mlp:64-32-10,epochs=15"
}
