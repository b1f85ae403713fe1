/// One client's outcome.
public struct ClientOutcome: Codable, Sendable, Equatable {
  public var name: String
  public var kind: ClientKind
  /// Rows answered to the client.
  public var queries: Int
  /// 0-based index of the client's query that raised its first alarm (nil: never flagged).
  public var flaggedAtQuery: Int?
  /// The monitor that raised that alarm.
  public var flaggedBy: String?
  public var alarms: Int
  /// The client hit its per-client budget (or had it revoked after an alarm).
  public var budgetExhausted: Bool
  /// Benign clients: share of their queries whose defended label is the sample's true label.
  public var accuracy: Double?
  /// Evasion clients: the attack (with its parameters), samples attacked and evaded.
  public var attack: String?
  public var samplesAttacked: Int?
  public var evasions: Int?
  /// Thieves: agreement of the stolen substitute with the victim on the test split.
  public var stolenFidelity: Double?
  /// An attack that failed with an error other than a budget refusal.
  public var error: String?
}

/// Totals per client kind.
public struct KindSummary: Codable, Sendable, Equatable {
  public var kind: ClientKind
  public var clients: Int
  public var queries: Int
  public var flagged: Int
  /// Mean over flagged clients of `flaggedAtQuery + 1` (queries answered when flagged).
  public var meanQueriesToFlag: Double?
  public var budgetExhausted: Int
  /// Evasion kinds: evaded samples / attacked samples.
  public var evasionSuccessRate: Double?
  /// Thief kinds: mean stolen fidelity.
  public var meanStolenFidelity: Double?
}

/// The deterministic part of a run: equal for equal seeds, whatever the devices or their speed.
public struct SimulationOutcome: Codable, Sendable, Equatable {
  public var seed: UInt64
  public var clients: Int
  public var mix: String
  public var defense: String
  public var monitors: String
  public var mode: String
  public var batchSize: Int
  public var totalQueries: Int
  public var batches: Int
  public var benignClients: Int
  /// Benign clients flagged by some monitor.
  public var benignFalsePositives: Int
  public var benignFalsePositiveRate: Double
  /// Honest users' accuracy under the defenses (defended label = true label), over their queries.
  public var honestAccuracy: Double
  /// The same queries' accuracy without the defenses (the model's own label): the defense's cost.
  public var undefendedAccuracy: Double
  public var kinds: [KindSummary]
  public var perClient: [ClientOutcome]
}

/// Throughput of one device.
public struct DeviceThroughput: Codable, Sendable {
  public var backend: String
  public var rows: Int
  public var busySeconds: Double
  public var rowsPerSecond: Double
  public var share: Double
}

/// What `gauntlet simulate` writes to `sim.json`.
public struct SimulationReport: Codable, Sendable {
  public var outcome: SimulationOutcome
  public var seconds: Double
  public var queriesPerSecond: Double
  public var devices: [DeviceThroughput]
  /// Peak resident memory of the process (`VmHWM`) at the end of the run, bytes.
  public var peakResidentBytes: Int?
}
