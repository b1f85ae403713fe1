import Foundation
import GauntletCore

/// Projected gradient descent (on the negative loss): from a uniformly random point of the
/// ε-ball, `steps` steps `x ← Π_{B(x₀,ε) ∩ box}(x + α·sign(∇))` (L∞) or `x + α·∇/‖∇‖₂` (L2),
/// ascending the cross-entropy of the true label (descending that of the target when targeted).
/// Without the random start it is BIM (Kurakin et al. 2017).
///
/// The forward pass of each gradient evaluation also tells whether the current iterate is already
/// adversarial: a sample stops there (no extra query). Survivors get one final check.
/// `stepSize` defaults to `2.5·ε/steps` (Madry et al.). A zero gradient means no step, never NaN.
///
/// Reference: Madry, Makelov, Schmidt, Tsipras & Vladu, "Towards deep learning models resistant to
/// adversarial attacks", ICLR 2018.
///
/// ```swift
/// let pgd = try PGDAttack(norm: .l2, epsilon: 1.0, steps: 40)
/// let run = try pgd.run(model, inputs: x, labels: y)
/// ```
public struct PGDAttack: WhiteBoxAttack {
  public let norm: Norm
  public let epsilon: Float
  public let steps: Int
  /// α per step.
  public let stepSize: Float
  public let randomStart: Bool
  public let seed: UInt64

  public init(norm: Norm = .linf, epsilon: Float, steps: Int = 40, stepSize: Float? = nil,
              randomStart: Bool = true, seed: UInt64 = 0) throws {
    try AttackCheck.positive(epsilon, "epsilon")
    try AttackCheck.positive(steps, "steps")
    let alpha = stepSize ?? 2.5 * epsilon / Float(steps)
    try AttackCheck.positive(alpha, "stepSize")
    self.norm = norm; self.epsilon = epsilon; self.steps = steps; self.stepSize = alpha
    self.randomStart = randomStart; self.seed = seed
  }

  public var name: String {
    "\(randomStart ? "pgd" : "bim")-\(norm.rawValue)(ε=\(epsilon),steps=\(steps),α=\(stepSize))"
  }

  public func run(_ model: any DifferentiableModel, inputs: Tensor, labels: [Int32], goal: AttackGoal,
                  bounds: ClosedRange<Float>) throws -> AttackRun {
    let st = try WhiteBoxState(model: model, inputs: inputs, labels: labels, goal: goal, bounds: bounds, attack: name)
    let n = st.n, d = st.d, k = st.k
    var x = st.originals
    if randomStart {
      for i in 0..<n {
        var rng = HostRandom(key: PhiloxKey(seed: seed).derived(UInt64(i)))
        var row = Self.randomPoint(in: norm, epsilon: epsilon, d: d, &rng)
        for j in 0..<d { row[j] += st.originals[i * d + j] }
        Vec.project(&row, st.original(i), norm, epsilon, st.lo, st.hi)
        x.replaceSubrange((i * d)..<((i + 1) * d), with: row)
      }
    }
    var active = Array(0..<n)
    for _ in 0..<steps where !active.isEmpty {
      var rows = [Float](); rows.reserveCapacity(active.count * d)
      for i in active { rows += x[(i * d)..<((i + 1) * d)] }
      let (z, g) = try st.gradient(rows, owners: active, gradLogits: WhiteBoxLoss.crossEntropyAscent(st, active))
      var still = [Int]()
      for (r, i) in active.enumerated() {
        let label = Vec.argmax(z[(r * k)..<((r + 1) * k)])
        if st.isAdversarial(label, i) {
          st.finish(i, adversarial: Array(rows[(r * d)..<((r + 1) * d)]), success: true, label: label)
          continue
        }
        let gi = g[(r * d)..<((r + 1) * d)]
        var row = Array(rows[(r * d)..<((r + 1) * d)])
        if norm == .linf {
          for j in 0..<d { row[j] += stepSize * WhiteBoxLoss.sign(gi[r * d + j]) }
        } else {
          let s = Vec.l2(gi)
          if s > 0 { for j in 0..<d { row[j] += stepSize * gi[r * d + j] / s } }
        }
        Vec.project(&row, st.original(i), norm, epsilon, st.lo, st.hi)
        x.replaceSubrange((i * d)..<((i + 1) * d), with: row)
        still.append(i)
      }
      active = still
    }
    try st.finishRemaining(active, iterate: x)
    return st.run(attack: name)
  }

  /// A uniform point of the L∞ ball, or a point of the L2 ball with uniform direction and radius ε·u^{1/d}.
  static func randomPoint(in norm: Norm, epsilon: Float, d: Int, _ rng: inout HostRandom) -> [Float] {
    switch norm {
    case .linf: return (0..<d).map { _ in (2 * rng.unit() - 1) * epsilon }
    case .l2:
      var v = (0..<d).map { _ in rng.gaussian() }
      let s = Vec.l2(v[...])
      let r = epsilon * Float(Foundation.pow(Double(rng.unit()), 1 / Double(d)))
      if s > 0 { for j in v.indices { v[j] *= r / s } }
      return v
    }
  }
}

extension HostRandom {
  /// A standard normal draw (Box–Muller on two uniforms).
  mutating func gaussian() -> Float {
    let u1 = max(Double(unit()), 1e-12), u2 = Double(unit())
    return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
  }
}
