import GauntletCore

/// DeepFool (L2): linearise the classifier around the current point and step to the nearest
/// linearised decision boundary, `r = (|f_k| + 10⁻⁴)/‖w_k‖² · w_k` with `k = argmin_{j≠y} |f_j|/‖w_j‖`,
/// `f_j = Z_j − Z_y`, `w_j = ∇Z_j − ∇Z_y`; the iterate is `x₀ + (1 + overshoot)·Σr`, clipped to the
/// box, until the label changes or `steps` iterations pass. Targeted runs use the target as the
/// only candidate class. With `epsilon`, success also needs ‖δ‖₂ ≤ ε.
///
/// Cost: the Jacobian of all classes per iteration, counted as `classCount` gradient evaluations
/// per sample per iteration; its forward pass is also the success check. A class whose `w_j` is
/// zero is skipped; if every candidate's is, the sample stops (failure), never NaN.
///
/// Reference: Moosavi-Dezfooli, Fawzi & Frossard, "DeepFool: a simple and accurate method to fool
/// deep neural networks", CVPR 2016.
///
/// ```swift
/// let run = try DeepFool(steps: 50).run(model, inputs: x, labels: y)
/// ```
public struct DeepFool: WhiteBoxAttack {
  public let steps: Int
  public let overshoot: Float
  public let epsilon: Float?

  public init(steps: Int = 50, overshoot: Float = 0.02, epsilon: Float? = nil) throws {
    try AttackCheck.positive(steps, "steps")
    try AttackCheck.nonNegative(overshoot, "overshoot")
    if let epsilon { try AttackCheck.positive(epsilon, "epsilon") }
    self.steps = steps; self.overshoot = overshoot; self.epsilon = epsilon
  }

  public var name: String { "deepfool-l2(steps=\(steps),overshoot=\(overshoot)\(epsilon.map { ",ε=\($0)" } ?? ""))" }

  public func run(_ model: any DifferentiableModel, inputs: Tensor, labels: [Int32], goal: AttackGoal,
                  bounds: ClosedRange<Float>) throws -> AttackRun {
    let st = try WhiteBoxState(model: model, inputs: inputs, labels: labels, goal: goal, bounds: bounds, attack: name)
    let n = st.n, d = st.d, k = st.k
    var x = st.originals
    var total = [Float](repeating: 0, count: n * d)
    var active = Array(0..<n)
    var lastLabel = labels
    var iteration = 0
    while !active.isEmpty {
      // Rows: each active sample repeated k times; row r back-propagates class r % k.
      var rows = [Float](), owners = [Int]()
      rows.reserveCapacity(active.count * k * d)
      for i in active { for _ in 0..<k { rows += x[(i * d)..<((i + 1) * d)]; owners.append(i) } }
      let (z, g) = try st.gradient(rows, owners: owners) { r, _ in
        var e = [Float](repeating: 0, count: k); e[r % k] = 1; return e
      }
      var still = [Int]()
      for (a, i) in active.enumerated() {
        let base = a * k
        let zr = z[(base * k)..<((base + 1) * k)]
        let label = Vec.argmax(zr)
        lastLabel[i] = label
        let xi = Array(x[(i * d)..<((i + 1) * d)])
        if st.isAdversarial(label, i) {
          let ok = epsilon.map { Vec.distance(xi[...], st.original(i), .l2) <= $0 } ?? true
          st.finish(i, adversarial: xi, success: ok, label: label); continue
        }
        if iteration == steps { st.finish(i, adversarial: xi, success: false, label: label); continue }
        let y = Int(st.labels[i])
        let candidates = st.target(i).map { [Int($0)] } ?? (0..<k).filter { $0 != y }
        var bestRatio = Float.infinity, bestW = [Float](), bestF: Float = 0
        let gy = g[((base + y) * d)..<((base + y + 1) * d)]
        for j in candidates {
          let gj = g[((base + j) * d)..<((base + j + 1) * d)]
          let w = (0..<d).map { gj[gj.startIndex + $0] - gy[gy.startIndex + $0] }
          let wn = Vec.l2(w[...])
          guard wn > 0, wn.isFinite else { continue }
          let f = abs(zr[zr.startIndex + j] - zr[zr.startIndex + y])
          if f / wn < bestRatio { bestRatio = f / wn; bestW = w; bestF = f }
        }
        guard bestRatio.isFinite else { st.finish(i, adversarial: xi, success: false, label: label); continue }
        let wn2 = bestW.reduce(Float(0)) { $0 + $1 * $1 }
        let scale = (bestF + 1e-4) / wn2
        for j in 0..<d {
          total[i * d + j] += scale * bestW[j]
          x[i * d + j] = Vec.clip(st.originals[i * d + j] + (1 + overshoot) * total[i * d + j], st.lo, st.hi)
        }
        still.append(i)
      }
      active = still
      iteration += 1
    }
    _ = lastLabel
    return st.run(attack: name)
  }
}
