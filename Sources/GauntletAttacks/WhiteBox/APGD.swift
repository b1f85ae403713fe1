import Foundation
import GauntletCore

/// Auto-PGD with the cross-entropy loss (APGD-CE): PGD with momentum (α = 0.75) and a step size
/// that needs no tuning. It starts at `η = 2ε` and halves η at checkpoints `w_j = ⌈p_j·N⌉`
/// (`p₀ = 0, p₁ = 0.22, p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06)`) when, since the last
/// checkpoint, fewer than ρ·(w_j − w_{j−1}) steps raised the loss (condition 1) or neither η nor
/// the best loss changed (condition 2); a halving restarts from the best point found.
///
/// As in `PGDAttack`, a sample stops at the first iterate whose forward pass shows success; survivors
/// pay one final check. L∞ steps along the gradient's sign, L2 along the normalised gradient.
///
/// Reference: Croce & Hein, "Reliable evaluation of adversarial robustness with an ensemble of
/// diverse parameter-free attacks", ICML 2020.
///
/// ```swift
/// let run = try APGDAttack(epsilon: 0.1, steps: 100).run(model, inputs: x, labels: y)
/// ```
public struct APGDAttack: WhiteBoxAttack {
  public let norm: Norm
  public let epsilon: Float
  /// Iterations N (gradient evaluations per sample at most).
  public let steps: Int
  public let rho: Float
  public let momentum: Float

  public init(norm: Norm = .linf, epsilon: Float, steps: Int = 100, rho: Float = 0.75, momentum: Float = 0.75) throws {
    try AttackCheck.positive(epsilon, "epsilon")
    try AttackCheck.positive(steps, "steps")
    try AttackCheck.unit(rho, "rho")
    try AttackCheck.unit(momentum, "momentum")
    self.norm = norm; self.epsilon = epsilon; self.steps = steps; self.rho = rho; self.momentum = momentum
  }

  public var name: String { "apgd-ce-\(norm.rawValue)(ε=\(epsilon),steps=\(steps))" }

  /// The checkpoints `w_j` for `n` iterations (strictly increasing, all in 1..<n).
  static func checkpoints(_ n: Int) -> Set<Int> {
    var p = [0.0, 0.22]
    while p.last! < 1 { p.append(p[p.count - 1] + max(p[p.count - 1] - p[p.count - 2] - 0.03, 0.06)) }
    return Set(p.dropFirst().map { Int((Double(n) * $0).rounded(.up)) }.filter { $0 > 0 && $0 < n })
  }

  public func run(_ model: any DifferentiableModel, inputs: Tensor, labels: [Int32], goal: AttackGoal,
                  bounds: ClosedRange<Float>) throws -> AttackRun {
    let st = try WhiteBoxState(model: model, inputs: inputs, labels: labels, goal: goal, bounds: bounds, attack: name)
    let n = st.n, d = st.d, k = st.k
    let marks = Self.checkpoints(steps)
    var x = st.originals, prev = st.originals, best = st.originals
    var eta = [Float](repeating: 2 * epsilon, count: n)
    var fBest = [Float](repeating: -.infinity, count: n), fLast = [Float](repeating: -.infinity, count: n)
    var increases = [Int](repeating: 0, count: n)
    var etaAtMark = eta, fBestAtMark = fBest
    var lastMark = 0
    var active = Array(0..<n)
    for it in 0..<steps where !active.isEmpty {
      var rows = [Float](); rows.reserveCapacity(active.count * d)
      for i in active { rows += x[(i * d)..<((i + 1) * d)] }
      let (z, g) = try st.gradient(rows, owners: active, gradLogits: WhiteBoxLoss.crossEntropyAscent(st, active))
      let isMark = marks.contains(it)
      var still = [Int]()
      for (r, i) in active.enumerated() {
        let zr = z[(r * k)..<((r + 1) * k)]
        let label = Vec.argmax(zr)
        let xi = Array(rows[(r * d)..<((r + 1) * d)])
        if st.isAdversarial(label, i) { st.finish(i, adversarial: xi, success: true, label: label); continue }
        let f = st.target(i).map { -Vec.crossEntropy(zr, label: $0).loss } ?? Vec.crossEntropy(zr, label: st.labels[i]).loss
        if it > 0 && f > fLast[i] { increases[i] += 1 }
        fLast[i] = f
        if f > fBest[i] { fBest[i] = f; best.replaceSubrange((i * d)..<((i + 1) * d), with: xi) }
        if isMark {
          let c1 = Float(increases[i]) < rho * Float(it - lastMark)
          let c2 = etaAtMark[i] == eta[i] && fBestAtMark[i] == fBest[i]
          etaAtMark[i] = eta[i]; fBestAtMark[i] = fBest[i]; increases[i] = 0
          if c1 || c2 {
            eta[i] /= 2
            x.replaceSubrange((i * d)..<((i + 1) * d), with: best[(i * d)..<((i + 1) * d)])
            prev.replaceSubrange((i * d)..<((i + 1) * d), with: best[(i * d)..<((i + 1) * d)])
            still.append(i); continue
          }
        }
        let gi = g[(r * d)..<((r + 1) * d)]
        let scale: Float = norm == .l2 ? { let s = Vec.l2(gi); return s > 0 ? 1 / s : 0 }() : 1
        var zStep = xi
        for j in 0..<d {
          zStep[j] += eta[i] * (norm == .linf ? WhiteBoxLoss.sign(gi[r * d + j]) : gi[r * d + j] * scale)
        }
        Vec.project(&zStep, st.original(i), norm, epsilon, st.lo, st.hi)
        let a: Float = it == 0 ? 1 : momentum
        var next = xi
        for j in 0..<d { next[j] = xi[j] + a * (zStep[j] - xi[j]) + (1 - a) * (xi[j] - prev[i * d + j]) }
        Vec.project(&next, st.original(i), norm, epsilon, st.lo, st.hi)
        prev.replaceSubrange((i * d)..<((i + 1) * d), with: xi)
        x.replaceSubrange((i * d)..<((i + 1) * d), with: next)
        still.append(i)
      }
      if isMark { lastMark = it }
      active = still
    }
    try st.finishRemaining(active, iterate: x)
    return st.run(attack: name)
  }
}
