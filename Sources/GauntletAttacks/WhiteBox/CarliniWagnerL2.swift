import Foundation
import GauntletCore

/// Carlini & Wagner's L2 attack: in the tanh space `x = lo + (hi−lo)·(tanh(w)+1)/2` (so the box
/// holds by construction), Adam minimises `‖x − x₀‖₂² + c·f(x)` with
/// `f = max(Z_y − max_{j≠y} Z_j, −κ)` (untargeted) or `max(max_{j≠t} Z_j − Z_t, −κ)` (targeted),
/// `steps` iterations per constant, and a binary search over `c` per sample (`search` rounds:
/// halve towards the last success, ×10 while none). The result is the smallest-L2 adversarial
/// iterate seen. With `epsilon`, a sample counts as a success only if that L2 is ≤ ε.
///
/// Cost: `steps·search` gradient evaluations per sample (every forward also serves as the check).
///
/// Reference: Carlini & Wagner, "Towards evaluating the robustness of neural networks", IEEE S&P 2017.
///
/// ```swift
/// let cw = try CarliniWagnerL2(c: 1, steps: 100, binarySearchSteps: 5)
/// let run = try cw.run(model, inputs: x, labels: y)
/// ```
public struct CarliniWagnerL2: WhiteBoxAttack {
  /// Initial constant c.
  public let c: Float
  /// Confidence κ.
  public let confidence: Float
  public let learningRate: Float
  /// Adam iterations per constant.
  public let steps: Int
  public let binarySearchSteps: Int
  /// Optional success radius (L2).
  public let epsilon: Float?

  public init(c: Float = 1, confidence: Float = 0, learningRate: Float = 0.01, steps: Int = 100,
              binarySearchSteps: Int = 5, epsilon: Float? = nil) throws {
    try AttackCheck.positive(c, "c")
    try AttackCheck.nonNegative(confidence, "confidence")
    try AttackCheck.positive(learningRate, "learningRate")
    try AttackCheck.positive(steps, "steps")
    try AttackCheck.positive(binarySearchSteps, "binarySearchSteps")
    if let epsilon { try AttackCheck.positive(epsilon, "epsilon") }
    self.c = c; self.confidence = confidence; self.learningRate = learningRate; self.steps = steps
    self.binarySearchSteps = binarySearchSteps; self.epsilon = epsilon
  }

  public var name: String {
    "cw-l2(c=\(c),κ=\(confidence),lr=\(learningRate),steps=\(steps),search=\(binarySearchSteps)\(epsilon.map { ",ε=\($0)" } ?? ""))"
  }

  public func run(_ model: any DifferentiableModel, inputs: Tensor, labels: [Int32], goal: AttackGoal,
                  bounds: ClosedRange<Float>) throws -> AttackRun {
    let st = try WhiteBoxState(model: model, inputs: inputs, labels: labels, goal: goal, bounds: bounds, attack: name)
    let n = st.n, d = st.d, k = st.k, lo = st.lo, hi = st.hi, half = (hi - lo) / 2
    let all = Array(0..<n)
    // w₀ = atanh of the original (pulled inside (−1, 1) so atanh is finite).
    let w0 = st.originals.map { v -> Float in
      let t = min(max((v - lo) / half - 1, -0.999_999), 0.999_999)
      return Float(atanh(Double(t)))
    }
    var const = [Float](repeating: c, count: n)
    var lower = [Float](repeating: 0, count: n), upper = [Float](repeating: 1e10, count: n)
    var bestL2 = [Float](repeating: .infinity, count: n)
    var best = st.originals, bestLabel = labels
    var lastX = st.originals, lastLabel = labels

    for _ in 0..<binarySearchSteps {
      var w = w0
      var m = [Float](repeating: 0, count: n * d), v = [Float](repeating: 0, count: n * d)
      var found = [Bool](repeating: false, count: n)
      for t in 1...steps {
        let x = w.map { lo + half * (Foundation.tanh($0) + 1) }
        let (z, g) = try st.gradient(x, owners: all) { r, zr in
          var gz = [Float](repeating: 0, count: k)
          let i = all[r]
          if let tgt = st.target(i) {
            let (j, zj) = Vec.bestOther(zr, label: tgt)
            if zj - zr[zr.startIndex + Int(tgt)] > -confidence { gz[j] = const[i]; gz[Int(tgt)] = -const[i] }
          } else {
            let y = Int(st.labels[i])
            let (j, zj) = Vec.bestOther(zr, label: st.labels[i])
            if zr[zr.startIndex + y] - zj > -confidence { gz[y] = const[i]; gz[j] = -const[i] }
          }
          return gz
        }
        let b1: Float = 0.9, b2: Float = 0.999
        let c1 = 1 - Float(Foundation.pow(Double(b1), Double(t))), c2 = 1 - Float(Foundation.pow(Double(b2), Double(t)))
        for i in 0..<n {
          let zr = z[(i * k)..<((i + 1) * k)]
          let label = Vec.argmax(zr)
          let xi = x[(i * d)..<((i + 1) * d)]
          if st.isAdversarial(label, i) {
            found[i] = true
            let l2 = Vec.distance(xi, st.original(i), .l2)
            if l2 < bestL2[i] { bestL2[i] = l2; best.replaceSubrange((i * d)..<((i + 1) * d), with: xi); bestLabel[i] = label }
          }
          lastLabel[i] = label
          for j in (i * d)..<((i + 1) * d) {
            let th = Foundation.tanh(w[j])
            let gx = 2 * (x[j] - st.originals[j]) + g[j]
            let gw = gx * half * (1 - th * th)
            m[j] = b1 * m[j] + (1 - b1) * gw
            v[j] = b2 * v[j] + (1 - b2) * gw * gw
            w[j] -= learningRate * (m[j] / c1) / ((v[j] / c2).squareRoot() + 1e-8)
          }
        }
        lastX = x
      }
      for i in 0..<n {
        if found[i] {
          upper[i] = min(upper[i], const[i])
          const[i] = (lower[i] + upper[i]) / 2
        } else {
          lower[i] = max(lower[i], const[i])
          const[i] = upper[i] < 1e9 ? (lower[i] + upper[i]) / 2 : const[i] * 10
        }
      }
    }
    for i in 0..<n {
      if bestL2[i].isFinite {
        let ok = epsilon.map { bestL2[i] <= $0 } ?? true
        st.finish(i, adversarial: Array(best[(i * d)..<((i + 1) * d)]), success: ok, label: bestLabel[i])
      } else {
        st.finish(i, adversarial: Array(lastX[(i * d)..<((i + 1) * d)]), success: false, label: lastLabel[i])
      }
    }
    return st.run(attack: name)
  }
}
