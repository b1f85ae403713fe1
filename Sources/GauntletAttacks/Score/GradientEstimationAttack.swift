import GauntletCore
import GauntletOracle
import GauntletZerothOrder

/// Projected gradient descent on the attack loss with a zeroth-order gradient estimate: the shape
/// shared by NES, SPSA and P-RGF. Each iteration spends the estimator's queries (`.loss`), takes a
/// step, projects onto the ε-ball and the input box, and checks the new point (one
/// `.successCheck` query, whose loss value the next one-sided estimate reuses).
///
/// - `nes` — antithetic Gaussian estimate, sign step (L∞) or normalized step (L2): Ilyas, Engstrom,
///   Athalye & Lin, "Black-box Adversarial Attacks with Limited Queries and Information", ICML 2018.
/// - `spsa` — Rademacher simultaneous perturbations with an Adam update: Uesato, O'Donoghue, van den
///   Oord & Kohli, "Adversarial Risk and the Dangers of Evaluating Against Weak Attacks", ICML 2018.
/// - `prgf` — a surrogate model's gradient as a transfer prior: Cheng, Dong, Pang, Su & Zhu,
///   "Improving Black-box Adversarial Attacks with a Transfer-based Prior", NeurIPS 2019.
///
/// ```swift
/// let nes = try GradientEstimationAttack.nes(norm: .linf, epsilon: 0.2, maxQueries: 2_000)
/// let run = try nes.run(oracle.session(client: "nes"), inputs: x, labels: y)
/// ```
public struct GradientEstimationAttack: ScoreBasedAttack {
  /// Where the gradient estimate comes from.
  public enum Estimator: Sendable {
    /// NES: `q` antithetic Gaussian pairs (2q queries), smoothing σ.
    case nes(sigma: Float, q: Int)
    /// SPSA: `q` Rademacher pairs (2q queries), perturbation δ.
    case spsa(delta: Float, q: Int)
    /// P-RGF: the surrogate's loss gradient as prior, `q` directions, `normSamples` for ‖∇f‖.
    case prgf(sigma: Float, q: Int, normSamples: Int, surrogate: any DifferentiableModel)
  }

  /// How an estimate becomes a step.
  public enum Update: Sendable, Hashable {
    /// `x ← Π(x − η·sign(ĝ))` for L∞, `x ← Π(x − η·ĝ/‖ĝ‖₂)` for L2.
    case pgd(stepSize: Float)
    /// Adam on ĝ, then Π (Uesato et al.'s SPSA).
    case adam(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999)
  }

  public let estimator: Estimator
  public let update: Update
  public let norm: Norm
  public let epsilon: Float
  public let maxQueries: Int
  public let loss: ScoreLoss
  public let seed: UInt64

  public init(estimator: Estimator, update: Update, norm: Norm, epsilon: Float, maxQueries: Int,
              loss: ScoreLoss = .margin, seed: UInt64 = 0) throws {
    try AttackCheck.positive(epsilon, "epsilon")
    try AttackCheck.positive(maxQueries, "maxQueries")
    switch update {
    case let .pgd(eta): try AttackCheck.positive(eta, "stepSize")
    case let .adam(lr, b1, b2): try ZOUpdateRule.adam(learningRate: lr, beta1: b1, beta2: b2).validate()
    }
    _ = try Self.makeEstimator(estimator, prior: nil)   // validates σ, δ, q
    self.estimator = estimator; self.update = update; self.norm = norm; self.epsilon = epsilon
    self.maxQueries = maxQueries; self.loss = loss; self.seed = seed
  }

  /// NES with sign (L∞) or normalized (L2) PGD steps; `q` antithetic pairs per estimate.
  public static func nes(norm: Norm = .linf, epsilon: Float, maxQueries: Int = 2_000, sigma: Float = 0.001,
                         q: Int = 25, stepSize: Float? = nil, loss: ScoreLoss = .crossEntropy,
                         seed: UInt64 = 0) throws -> GradientEstimationAttack {
    try GradientEstimationAttack(estimator: .nes(sigma: sigma, q: q), update: .pgd(stepSize: stepSize ?? epsilon / 5),
                                 norm: norm, epsilon: epsilon, maxQueries: maxQueries, loss: loss, seed: seed)
  }

  /// SPSA with Adam; `q` Rademacher pairs per estimate.
  public static func spsa(norm: Norm = .linf, epsilon: Float, maxQueries: Int = 2_000, delta: Float = 0.01,
                          q: Int = 32, learningRate: Float = 0.01, loss: ScoreLoss = .margin,
                          seed: UInt64 = 0) throws -> GradientEstimationAttack {
    try GradientEstimationAttack(estimator: .spsa(delta: delta, q: q), update: .adam(learningRate: learningRate),
                                 norm: norm, epsilon: epsilon, maxQueries: maxQueries, loss: loss, seed: seed)
  }

  /// P-RGF with a surrogate's gradient as the prior.
  public static func prgf(surrogate: any DifferentiableModel, norm: Norm = .linf, epsilon: Float,
                          maxQueries: Int = 2_000, sigma: Float = 0.001, q: Int = 10, normSamples: Int = 10,
                          stepSize: Float? = nil, loss: ScoreLoss = .margin, seed: UInt64 = 0) throws -> GradientEstimationAttack {
    try GradientEstimationAttack(estimator: .prgf(sigma: sigma, q: q, normSamples: normSamples, surrogate: surrogate),
                                 update: .pgd(stepSize: stepSize ?? epsilon / 5), norm: norm, epsilon: epsilon,
                                 maxQueries: maxQueries, loss: loss, seed: seed)
  }

  public var name: String {
    let e: String
    switch estimator {
    case let .nes(s, q): e = "nes(σ=\(s),q=\(q))"
    case let .spsa(dl, q): e = "spsa(δ=\(dl),q=\(q))"
    case let .prgf(s, q, S, _): e = "p-rgf(σ=\(s),q=\(q),S=\(S))"
    }
    return "\(e)-\(norm.rawValue)(ε=\(epsilon),q=\(maxQueries))"
  }

  static func makeEstimator(_ e: Estimator, prior: (@Sendable (Tensor) throws -> Tensor)?) throws -> any GradientEstimator {
    switch e {
    case let .nes(s, q): return try RandomDirectionEstimator.nes(sigma: s, q: q)
    case let .spsa(dl, q): return try RandomDirectionEstimator.spsa(delta: dl, q: q)
    case let .prgf(s, q, S, _):
      return try PriorGuidedEstimator(sigma: s, q: q, normSamples: S,
                                      prior: prior ?? { p in try Tensor(zeros: p.shape, on: p.backend) })
    }
  }
}
