import Foundation
import GauntletCore
import GauntletOracle

/// Transfer attack: craft adversarial examples on a substitute model the attacker owns (any
/// `DifferentiableModel`, e.g. one stolen by model extraction) with any white-box attack, then
/// send each once to the victim's oracle (one `.successCheck` query per sample) and see whether it
/// fools the victim too.
///
/// Each `SampleResult` holds the victim's verdict and victim queries (0 loss, 1 check); the
/// substitute's gradient evaluations are in `TransferRun.substitute`. The transfer rate is the
/// share of substitute successes that also fool the victim.
///
/// Reference: Papernot, McDaniel, Goodfellow, Jha, Celik & Swami, "Practical black-box attacks
/// against machine learning", AsiaCCS 2017.
///
/// ```swift
/// let transfer = TransferAttack(attack: try PGDAttack(epsilon: 0.1), substitute: stolen)
/// let t = try transfer.run(oracle.session(client: "t"), inputs: x, labels: y)
/// t.transferRate
/// ```
public struct TransferAttack: Sendable {
  public let attack: any WhiteBoxAttack
  public let substitute: any DifferentiableModel

  public init(attack: any WhiteBoxAttack, substitute: any DifferentiableModel) {
    self.attack = attack; self.substitute = substitute
  }

  public var name: String { "transfer[\(attack.name)]" }

  public func run(_ oracle: OracleSession, inputs: Tensor, labels: [Int32],
                  goal: AttackGoal = .untargeted) throws -> TransferRun {
    guard substitute.inputShape.reduce(1, *) == oracle.featureCount, substitute.classCount == oracle.classCount else {
      throw GauntletError.shapeMismatch(
        operation: name, detail: "substitute takes \(substitute.inputShape) → \(substitute.classCount) classes, victim \(oracle.inputShape) → \(oracle.classCount)")
    }
    guard inputs.backend === oracle.backend else {
      throw GauntletError.foreignBuffer(operation: name, expected: oracle.backend.name, got: inputs.backend.name)
    }
    let start = ContinuousClock.now
    let host = try inputs.toArray()
    let onSubstitute = inputs.backend === substitute.backend ? inputs
      : try Tensor(host, shape: inputs.shape, on: substitute.backend)
    let bounds = oracle.inputBounds ?? 0...1
    let crafted = try attack.run(substitute, inputs: onSubstitute, labels: labels, goal: goal, bounds: bounds)
    let n = labels.count
    let rows = crafted.samples.flatMap(\.adversarial)
    let answer = try oracle.query(Tensor(rows, shape: [n, oracle.featureCount], on: oracle.backend),
                                  purpose: .successCheck, samples: .perRow(Array(0..<n)))
    let d = oracle.featureCount
    let elapsed = seconds(since: start)
    var samples = [SampleResult]()
    for i in 0..<n {
      let label = answer.labels[i]
      let ok = goal.target(i).map { label == $0 } ?? (label != labels[i])
      samples.append(SampleResult(index: i, trueLabel: labels[i], finalLabel: label, success: ok,
                                  original: Array(host[(i * d)..<((i + 1) * d)]), adversarial: crafted.samples[i].adversarial,
                                  lossQueries: 0, checkQueries: 1, seconds: elapsed))
    }
    let run = AttackRun(attack: name, backend: oracle.backend.name, samples: samples, seconds: elapsed)
    let subOK = crafted.samples.filter(\.success).map(\.index)
    let both = subOK.filter { samples[$0].success }.count
    return TransferRun(run: run, substitute: crafted.summary,
                       transferRate: subOK.isEmpty ? 0 : Double(both) / Double(subOK.count))
  }
}

/// A transfer attack's outcome.
public struct TransferRun: Sendable, Codable {
  /// The victim's verdicts (success = the victim is fooled).
  public var run: AttackRun
  /// The white-box attack's summary on the substitute (gradient evaluations there).
  public var substitute: AttackSummary
  /// Victim fooled ÷ substitute fooled (0 when the substitute was never fooled).
  public var transferRate: Double
}
