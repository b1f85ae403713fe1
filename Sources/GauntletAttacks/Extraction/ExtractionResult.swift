import GauntletCore
import GauntletModels
import GauntletOracle

/// What the evaluator measured on a stolen model (the thief never sees these numbers' inputs:
/// they need the victim itself).
public struct ExtractionMetrics: Sendable, Codable, Hashable {
  /// Test accuracy of the substitute (true labels).
  public var testAccuracy: Double
  /// Test accuracy of the victim (for reference).
  public var victimTestAccuracy: Double
  /// Fraction of test inputs on which substitute and victim predict the same label.
  public var fidelityTest: Double
  /// The same on uniform random inputs in the input box.
  public var fidelityUniform: Double
  public var uniformSamples: Int
  /// PGD (L∞) examples crafted on the substitute, from test points both models classify correctly.
  public var transfer: TransferMetrics
}

/// Transferability of white-box PGD examples from the stolen model to the victim.
public struct TransferMetrics: Sendable, Codable, Hashable {
  public var epsilon: Float
  public var steps: Int
  /// Points attacked (correct under both models).
  public var attempted: Int
  /// Fraction fooling the substitute (white-box success).
  public var substituteSuccess: Double
  /// Fraction fooling the victim: the transfer rate.
  public var victimSuccess: Double
}

/// One extraction attack's outcome. `Codable`: what `gauntlet steal --out x.json` writes.
public struct ExtractionResult: Sendable, Codable, Hashable {
  /// The spec as parsed, e.g. `knockoff:budget=1000,strategy=adaptive`.
  public var attack: String
  public var method: String
  /// The budget the attack was given.
  public var budget: Int
  /// Oracle rows answered to the thief (never above `budget`).
  public var queries: Int
  /// Why the attack stopped before spending its budget (e.g. the deployment refused), nil otherwise.
  public var stoppedEarly: String?
  /// The output mode the oracle revealed (`label` when a defense withheld scores).
  public var revealed: String
  /// What the substitute was trained on: `scores` (soft targets at `temperature`) or `labels`.
  public var trainedOn: String
  public var temperature: Float
  public var thiefData: String
  public var thiefPool: Int
  /// The substitute's architecture (`ModelSpec.description`).
  public var substitute: String
  public var backend: String
  public var seed: UInt64
  /// Rounds of query–train the attack ran (1 for one-shot attacks).
  public var rounds: Int
  /// Wall time of the whole attack, and the parts spent in oracle queries and in training.
  public var seconds: Double
  public var querySeconds: Double
  public var trainSeconds: Double
  /// The deployment's defense chain as published (keys masked).
  public var defense: String
  /// Alarms monitors raised on the thief's client.
  public var alarms: [MonitorAlarm]
  /// Queries answered when the first alarm was raised (`queryIndex + 1`), nil when undetected.
  public var queriesToDetection: Int?
  /// Filled when the caller passed an `ExtractionEvaluation`.
  public var metrics: ExtractionMetrics?
}

/// A result and the stolen model itself.
public struct ExtractionRun: Sendable {
  public var result: ExtractionResult
  public var substitute: Sequential
}
