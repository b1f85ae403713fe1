import GauntletCore
import GauntletOracle

/// Which threat model an evasion attack lives in.
public enum EvasionFamily: String, Sendable, Codable, CaseIterable {
  case whiteBox = "white-box"
  case scoreBased = "score-based"
  case decisionBased = "decision-based"
  case transfer
}

/// Any evasion attack Gauntlet has, behind one entry point (`run`): white-box ones get the model,
/// black-box ones (score-based, decision-based, transfer) get an `OracleSession`.
///
/// ```swift
/// let attack = try EvasionAttackSpec.parse("hsj:norm=l2,queries=1000,eps=1")
/// let run = try attack.run(inputs: x, labels: y, oracle: oracle.session(client: "hsj"))
/// ```
public enum EvasionAttack: Sendable {
  case whiteBox(any WhiteBoxAttack)
  case score(any ScoreBasedAttack)
  case decision(any DecisionBasedAttack)
  case transfer(TransferAttack)

  public var name: String {
    switch self {
    case let .whiteBox(a): return a.name
    case let .score(a): return a.name
    case let .decision(a): return a.name
    case let .transfer(a): return a.name
    }
  }

  public var family: EvasionFamily {
    switch self {
    case .whiteBox: return .whiteBox
    case .score: return .scoreBased
    case .decision: return .decisionBased
    case .transfer: return .transfer
    }
  }

  /// Whether `run` needs `model` (white-box) rather than `oracle`.
  public var needsModel: Bool { if case .whiteBox = self { return true }; return false }

  /// Runs the attack on `inputs` / `labels`.
  ///
  /// - Parameters:
  ///   - model: the victim itself; required (only) for white-box attacks.
  ///   - oracle: the victim behind its oracle; required for score-based, decision-based and transfer.
  ///   - bounds: the input box for white-box attacks (default: the oracle's, else `0...1`).
  /// - Throws: `GauntletError.invalidArgument` when the needed model or oracle is missing, and
  ///   whatever the attack throws.
  public func run(inputs: Tensor, labels: [Int32], goal: AttackGoal = .untargeted,
                  model: (any DifferentiableModel)? = nil, oracle: OracleSession? = nil,
                  bounds: ClosedRange<Float>? = nil) throws -> AttackRun {
    func needOracle() throws -> OracleSession {
      guard let oracle else {
        throw GauntletError.invalidArgument(name: "oracle", detail: "\(name) is a \(family.rawValue) attack: pass an OracleSession")
      }
      return oracle
    }
    switch self {
    case let .whiteBox(a):
      guard let model else {
        throw GauntletError.invalidArgument(name: "model", detail: "\(name) is a white-box attack: pass the DifferentiableModel")
      }
      return try a.run(model, inputs: inputs, labels: labels, goal: goal, bounds: bounds ?? oracle?.inputBounds ?? 0...1)
    case let .score(a): return try a.run(needOracle(), inputs: inputs, labels: labels, goal: goal)
    case let .decision(a): return try a.run(needOracle(), inputs: inputs, labels: labels, goal: goal)
    case let .transfer(a): return try a.run(needOracle(), inputs: inputs, labels: labels, goal: goal).run
    }
  }
}
