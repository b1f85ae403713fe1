import Foundation
import GauntletCore
import GauntletOracle

/// Sign-OPT (L2): optimise the direction θ of the shortest adversarial ray, `g(θ) = min{λ : x₀ + λθ
/// adversarial}`, with a sign estimate of its gradient that costs one query per direction:
/// `sign(g(θ + βu) − g(θ))` is read off the label of `x₀ + g(θ)·(θ + βu)/‖θ + βu‖` (adversarial →
/// −1). `ĝ = (1/k)·Σ sign_i·u_i` over `k` Gaussian `u`; the step `θ ← (θ − αĝ)/‖·‖` is accepted
/// when the ray at the old distance stays adversarial (one check), followed by a binary search to
/// the new `g`; α doubles after an accepted step and is quartered after a rejected one, as in the
/// authors' line search. Binary searches stop at a relative tolerance β/50 (finer than β, so the
/// sign probes read the boundary, not the search's slack). Defaults follow ART (`alpha = 0.2`, `beta = 0.001`) except `k` (ART 200):
/// 50 suits small inputs at a 1 000-query budget.
///
/// Reference: Cheng, Singh, Chen, Chen, Liu & Hsieh, "Sign-OPT: a query-efficient hard-label
/// adversarial attack", ICLR 2020.
///
/// ```swift
/// let run = try SignOPT(maxQueries: 1_000, epsilon: 1.0).run(session, inputs: x, labels: y)
/// ```
public struct SignOPT: DecisionBasedAttack {
  public let maxQueries: Int
  public let epsilon: Float?
  /// Directions per sign-gradient estimate.
  public let k: Int
  public let alpha: Float
  public let beta: Float
  public let initTries: Int
  public let seed: UInt64

  public init(maxQueries: Int = 1_000, epsilon: Float? = nil, k: Int = 50, alpha: Float = 0.2, beta: Float = 0.001,
              initTries: Int = 100, seed: UInt64 = 0) throws {
    try AttackCheck.positive(maxQueries, "maxQueries")
    if let epsilon { try AttackCheck.positive(epsilon, "epsilon") }
    try AttackCheck.positive(k, "k")
    try AttackCheck.positive(alpha, "alpha")
    try AttackCheck.positive(beta, "beta")
    try AttackCheck.positive(initTries, "initTries")
    self.maxQueries = maxQueries; self.epsilon = epsilon; self.k = k; self.alpha = alpha; self.beta = beta
    self.initTries = initTries; self.seed = seed
  }

  public var name: String { "signopt-l2(q=\(maxQueries),k=\(k)\(epsilon.map { ",ε=\($0)" } ?? ""))" }

  public func run(_ oracle: OracleSession, inputs: Tensor, labels: [Int32], goal: AttackGoal) throws -> AttackRun {
    let st = try DecisionState(session: oracle, inputs: inputs, labels: labels, goal: goal, maxQueries: maxQueries,
                               norm: .l2, epsilon: epsilon, attack: name)
    let n = st.n, d = st.d
    // The boundary must be located much finer than the probe offset β, else the signs are noise
    // (the authors' fine search uses tolerance β/500).
    let tol = beta / 50
    var rngs = (0..<n).map { HostRandom(key: PhiloxKey(seed: seed).derived(UInt64($0))) }
    var al = [Float](repeating: alpha, count: n)
    /// The point at distance `lambda` along unit `theta` from the original, clipped to the box.
    func ray(_ i: Int, _ theta: [Float], _ lambda: Float) -> [Float] {
      let x0 = st.original(i), b = x0.startIndex
      return (0..<d).map { Vec.clip(x0[b + $0] + lambda * theta[$0], st.lo, st.hi) }
    }
    func direction(_ i: Int) -> (theta: [Float], g: Float) {
      let x0 = st.original(i), x = st.current(i)
      let v = (0..<d).map { x[x.startIndex + $0] - x0[x0.startIndex + $0] }
      let g = Vec.l2(v[...])
      return (g > 0 ? v.map { $0 / g } : v, g)
    }
    do {
      try st.initialize(tries: initTries, seed: seed, threshold: tol)
      while true {
        for i in st.unfinished where st.remaining(i) < 3 { st.finish(i) }
        let active = st.unfinished
        if active.isEmpty { break }
        // Sign-gradient estimate: one query per random direction.
        var rows = [Float](), owners = [Int](), us = [Int: [[Float]]](), dirs = [Int: (theta: [Float], g: Float)]()
        for i in active {
          let (theta, g) = direction(i)
          dirs[i] = (theta, g)
          let m = min(k, st.remaining(i) - 1)
          var list = [[Float]]()
          for _ in 0..<m {
            var u = (0..<d).map { _ in rngs[i].gaussian() }
            let un = Vec.l2(u[...])
            if un > 0 { for j in 0..<d { u[j] /= un } }
            var t2 = (0..<d).map { theta[$0] + beta * u[$0] }
            let tn = Vec.l2(t2[...])
            if tn > 0 { for j in 0..<d { t2[j] /= tn } }
            rows += ray(i, t2, g); owners.append(i); list.append(u)
          }
          us[i] = list
        }
        let a = try st.labels(rows, owners: owners, purpose: .loss)
        var r = 0
        var proposals = [Int: (x: [Float], label: Int32)]()
        var checkRows = [Float](), checkOwners = [Int](), newTheta = [Int: [Float]]()
        for i in active {
          var ghat = [Float](repeating: 0, count: d)
          for u in us[i]! {
            let s: Float = a.adv[r] ? -1 : 1
            for j in 0..<d { ghat[j] += s * u[j] }
            r += 1
          }
          guard Vec.l2(ghat[...]) > 0, st.remaining(i) >= 1 else { continue }
          let (theta, g) = dirs[i]!
          var t2 = (0..<d).map { theta[$0] - al[i] * ghat[$0] / Float(us[i]!.count) }
          let tn = Vec.l2(t2[...])
          guard tn > 0, tn.isFinite else { continue }
          for j in 0..<d { t2[j] /= tn }
          newTheta[i] = t2
          checkRows += ray(i, t2, g); checkOwners.append(i)
        }
        let c = try st.labels(checkRows, owners: checkOwners, purpose: .successCheck)
        for (q, i) in checkOwners.enumerated() {
          if c.adv[q] {
            proposals[i] = (Array(checkRows[(q * d)..<((q + 1) * d)]), c.labels[q]); al[i] = min(al[i] * 2, 10)
          } else {
            al[i] = max(al[i] / 4, 1e-4)
          }
        }
        try st.binarySearch(proposals.keys.sorted(), towards: proposals, threshold: tol, onlyIfCloser: true)
      }
    } catch where DecisionState.isBudgetRefusal(error) {
    }
    return st.run(attack: name)
  }
}
