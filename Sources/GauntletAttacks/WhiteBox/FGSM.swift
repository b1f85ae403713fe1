import GauntletCore

/// Fast Gradient Sign Method: one step of size ε along the sign of the loss gradient,
/// `x' = clip(x + ε·sign(∇ₓ J(x, y)))` (L∞), or along the normalised gradient,
/// `x' = clip(x + ε·∇/‖∇‖₂)` (L2, the "fast gradient method"). Untargeted ascends the
/// cross-entropy of the true label; targeted descends the cross-entropy of the target.
///
/// Cost: one gradient evaluation and one check per sample. A zero gradient leaves the input as it is.
///
/// Reference: Goodfellow, Shlens & Szegedy, "Explaining and harnessing adversarial examples", ICLR 2015.
///
/// ```swift
/// let run = try FGSM(epsilon: 0.1).run(model, inputs: x, labels: y)
/// ```
public struct FGSM: WhiteBoxAttack {
  public let norm: Norm
  /// Step size ε (in input units).
  public let epsilon: Float

  public init(norm: Norm = .linf, epsilon: Float) throws {
    try AttackCheck.positive(epsilon, "epsilon")
    self.norm = norm; self.epsilon = epsilon
  }

  public var name: String { "fgsm-\(norm.rawValue)(ε=\(epsilon))" }

  public func run(_ model: any DifferentiableModel, inputs: Tensor, labels: [Int32], goal: AttackGoal,
                  bounds: ClosedRange<Float>) throws -> AttackRun {
    let st = try WhiteBoxState(model: model, inputs: inputs, labels: labels, goal: goal, bounds: bounds, attack: name)
    let n = st.n, d = st.d
    let owners = Array(0..<n)
    let (_, g) = try st.gradient(st.originals, owners: owners, gradLogits: WhiteBoxLoss.crossEntropyAscent(st, owners))
    var x = st.originals
    for i in 0..<n {
      let gi = g[(i * d)..<((i + 1) * d)]
      let scale: Float = norm == .l2 ? { let s = Vec.l2(gi); return s > 0 ? 1 / s : 0 }() : 1
      for j in 0..<d {
        let step = norm == .linf ? WhiteBoxLoss.sign(gi[i * d + j]) : gi[i * d + j] * scale
        x[i * d + j] = Vec.clip(st.originals[i * d + j] + epsilon * step, st.lo, st.hi)
      }
    }
    let z = try st.forward(x, owners: owners)
    for i in 0..<n {
      let label = Vec.argmax(z[(i * st.k)..<((i + 1) * st.k)])
      st.finish(i, adversarial: Array(x[(i * d)..<((i + 1) * d)]), success: st.isAdversarial(label, i), label: label)
    }
    return st.run(attack: name)
  }
}

/// The losses white-box attacks differentiate.
enum WhiteBoxLoss {
  /// `sign(v)` with `sign(0) = 0`.
  @inline(__always) static func sign(_ v: Float) -> Float { v > 0 ? 1 : (v < 0 ? -1 : 0) }

  /// ∂L/∂z of the loss to *ascend*: CE(true label) untargeted, −CE(target) targeted.
  static func crossEntropyAscent(_ st: WhiteBoxState, _ owners: [Int]) -> (Int, ArraySlice<Float>) -> [Float] {
    { r, z in
      let i = owners[r]
      if let t = st.target(i) { return Vec.crossEntropy(z, label: t).grad.map { -$0 } }
      return Vec.crossEntropy(z, label: st.labels[i]).grad
    }
  }
}
