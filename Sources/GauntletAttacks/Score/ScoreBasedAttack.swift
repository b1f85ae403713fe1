import GauntletCore
import GauntletOracle

/// A score-based black-box evasion attack: it sees the oracle's scores (probabilities, logits or
/// top-k), never the model, and every row it sends is charged to its session and to the sample it
/// serves.
///
/// ```swift
/// let attack = try SquareAttack(norm: .linf, epsilon: 0.2, maxQueries: 1_000)
/// let run = try attack.run(oracle.session(client: "square"), inputs: x, labels: y)
/// run.summary.successRate
/// ```
public protocol ScoreBasedAttack: Sendable {
  /// Name with the main parameters, e.g. `"square-linf(ε=0.2,q=1000)"`.
  var name: String { get }
  /// Per-sample query budget (loss and success-check rows together).
  var maxQueries: Int { get }
  /// Attacks every row of `inputs` (`[n] + inputShape` or `[n, features]`, on the oracle's backend,
  /// not modified) with true labels `labels`. Samples leave the batch as soon as they succeed or
  /// run out of their `maxQueries`; a refusal by the oracle's own budget ends the run with what was
  /// found so far.
  func run(_ oracle: OracleSession, inputs: Tensor, labels: [Int32], goal: AttackGoal) throws -> AttackRun
}

extension ScoreBasedAttack {
  /// Untargeted run.
  public func run(_ oracle: OracleSession, inputs: Tensor, labels: [Int32]) throws -> AttackRun {
    try run(oracle, inputs: inputs, labels: labels, goal: .untargeted)
  }
}

/// Parameter checks shared by the attacks.
enum AttackCheck {
  static func positive(_ v: Float, _ name: String) throws {
    guard v.isFinite, v > 0 else { throw GauntletError.invalidArgument(name: name, detail: "must be finite and > 0, got \(v)") }
  }
  static func positive(_ v: Int, _ name: String) throws {
    guard v >= 1 else { throw GauntletError.invalidArgument(name: name, detail: "must be ≥ 1, got \(v)") }
  }
  static func nonNegative(_ v: Float, _ name: String) throws {
    guard v.isFinite, v >= 0 else { throw GauntletError.invalidArgument(name: name, detail: "must be finite and ≥ 0, got \(v)") }
  }
  static func unit(_ v: Float, _ name: String) throws {
    guard v.isFinite, v > 0, v <= 1 else { throw GauntletError.invalidArgument(name: name, detail: "must lie in (0, 1], got \(v)") }
  }
}
