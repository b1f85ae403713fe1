import GauntletCore
import GauntletOracle

/// What to simulate: how many clients of which kinds, how many queries, how traffic is batched.
///
/// ```swift
/// var c = SimulationConfiguration(clients: 1000, mix: try ClientMix(parsing: "benign:0.99,square:0.01"),
///                                 queries: 1_000_000)
/// c.seed = 7
/// ```
public struct SimulationConfiguration: Sendable {
  public var clients: Int
  public var mix: ClientMix
  /// Rows answered in total (benign and attackers together); the run stops there.
  public var queries: Int
  /// Rows per backend batch (attacker requests are always whole; benign bursts fill the rest).
  public var batchSize: Int = 4096
  /// Rows a benign client sends in one burst (its turn in the round robin).
  public var benignBurst: Int = 16
  /// Standard deviation of the Gaussian noise benign clients add to test samples (then clamped).
  public var benignNoise: Float = 0.05
  public var seed: UInt64 = 1
  /// Rows each client may have answered (nil: unlimited). Attackers stop, benign clients go quiet.
  public var perClientBudget: Int?
  /// What the deployment reveals.
  public var mode: OutputMode = .probabilities
  /// The declared input box.
  public var inputBounds: ClosedRange<Float> = 0...1
  /// Attack spec per attacking kind (`ScoreAttackSpec` text for evasion kinds, `ExtractionAttackSpec`
  /// text for thieves), overriding `ClientKind.defaultAttackSpec`.
  public var attackSpecs: [ClientKind: String] = [:]
  /// Test samples each evasion client attacks.
  public var attackSamples: Int = 2
  /// Monitor alarms revoke the flagged client's budget (else they are only recorded).
  public var revokeOnAlarm = false

  public init(clients: Int, mix: ClientMix, queries: Int) {
    self.clients = clients; self.mix = mix; self.queries = queries
  }

  /// Checks every field; throws `SimulationError` naming the bad one.
  public func validate() throws {
    guard clients >= 1 else { throw SimulationError.noClients }
    func positive(_ v: Int, _ name: String) throws {
      guard v >= 1 else { throw SimulationError.badParameter(name: name, detail: "must be ≥ 1, got \(v)") }
    }
    try positive(queries, "queries"); try positive(batchSize, "batch size"); try positive(benignBurst, "benign burst")
    try positive(attackSamples, "attack samples")
    if let b = perClientBudget { try positive(b, "per-client budget") }
    guard benignNoise.isFinite, benignNoise >= 0 else {
      throw SimulationError.badParameter(name: "benign noise", detail: "must be finite and ≥ 0, got \(benignNoise)")
    }
    guard inputBounds.lowerBound.isFinite, inputBounds.upperBound.isFinite else {
      throw SimulationError.badParameter(name: "input bounds", detail: "must be finite")
    }
    if case .label = mode, let k = mix.entries.first(where: { $0.kind.isEvasion && $0.fraction > 0 })?.kind {
      throw SimulationError.badParameter(
        name: "output", detail: "\(k.rawValue) clients run score-based attacks and need scores; a label-only deployment cannot serve them (use probabilities, logits or topk:K, or drop \(k.rawValue) from the mix)")
    }
    for k in attackSpecs.keys where k == .benign {
      throw SimulationError.badParameter(name: "attack spec", detail: "benign clients take no attack spec")
    }
  }

  /// The attack spec clients of `kind` run.
  public func attackSpec(_ kind: ClientKind) -> String? { attackSpecs[kind] ?? kind.defaultAttackSpec }
}
