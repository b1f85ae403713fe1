import GauntletCore

/// A white-box evasion attack: it receives the model itself (`DifferentiableModel`: logits and
/// input gradients), not an oracle. Every forward+backward pass of a row counts as one gradient
/// evaluation (`SampleResult.lossQueries`); forward-only passes that only ask "is this adversarial
/// yet?" count as `checkQueries`.
///
/// ```swift
/// let pgd = try PGDAttack(norm: .linf, epsilon: 0.1, steps: 40)
/// let run = try pgd.run(model, inputs: x, labels: y, goal: .untargeted, bounds: 0...1)
/// run.summary.successRate
/// ```
public protocol WhiteBoxAttack: Sendable {
  /// Name with the main parameters, e.g. `"pgd-linf(ε=0.1,steps=40)"`.
  var name: String { get }
  /// Attacks every row of `inputs` (`[n] + model.inputShape` or `[n, features]`, on the model's
  /// backend, not modified) with true labels `labels`; every output stays in `bounds`.
  func run(_ model: any DifferentiableModel, inputs: Tensor, labels: [Int32], goal: AttackGoal,
           bounds: ClosedRange<Float>) throws -> AttackRun
}

extension WhiteBoxAttack {
  /// Untargeted run in the box `[0, 1]`.
  public func run(_ model: any DifferentiableModel, inputs: Tensor, labels: [Int32]) throws -> AttackRun {
    try run(model, inputs: inputs, labels: labels, goal: .untargeted, bounds: 0...1)
  }
}
