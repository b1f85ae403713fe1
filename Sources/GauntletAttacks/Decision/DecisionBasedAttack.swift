import GauntletCore
import GauntletOracle

/// A decision-based black-box evasion attack: it sees only the oracle's top-1 label of each row it
/// sends, never scores (it works unchanged behind a label-only deployment), and every row is
/// charged to its session and to the sample it serves.
///
/// Query purposes: rows that estimate a direction or propose a move are `.loss`; rows of the
/// initial adversarial search, binary searches to the boundary and step-size checks are
/// `.successCheck`. Each sample holds an adversarial point from its start on; it succeeds when that
/// point is within `epsilon` (when one is given; the sample then stops early) or, with no `epsilon`,
/// when a start was found at all. The result is the closest adversarial point found.
/// A start point the oracle already misclassifies is a success with zero perturbation.
///
/// ```swift
/// let hsj = try HopSkipJump(norm: .l2, maxQueries: 1_000, epsilon: 1.0)
/// let run = try hsj.run(oracle.session(client: "hsj"), inputs: x, labels: y)
/// ```
public protocol DecisionBasedAttack: Sendable {
  var name: String { get }
  /// Per-sample query budget (all purposes together).
  var maxQueries: Int { get }
  /// Attacks every row of `inputs` (on the oracle's backend, not modified). Only `.untargeted` is
  /// supported (a targeted start needs images of the target class); others throw `unsupported`.
  func run(_ oracle: OracleSession, inputs: Tensor, labels: [Int32], goal: AttackGoal) throws -> AttackRun
}

extension DecisionBasedAttack {
  public func run(_ oracle: OracleSession, inputs: Tensor, labels: [Int32]) throws -> AttackRun {
    try run(oracle, inputs: inputs, labels: labels, goal: .untargeted)
  }
}
