import Foundation
import GauntletCore
import GauntletOracle

/// HopSkipJumpAttack (L2 and L∞): from an adversarial start, repeat (1) binary search to the
/// boundary, (2) Monte-Carlo estimate of the boundary's normal from the labels of `B_t` random
/// unit perturbations of size δ_t (baseline-corrected, Eq. 9 and 16), (3) a geometric step
/// search `ξ_t = ‖x_t − x₀‖/√t`, halved until the step stays adversarial, along the estimate
/// (normalised for L2, its sign for L∞). `B_t = min(initialEvaluations·√t, maxEvaluations)`,
/// `θ = γ/(d^{3/2})` (L2) or `γ/d²` (L∞), `δ_1 = 0.1·(hi−lo)`, `δ_t = √d·θ·d_{t−1}` (L2) or
/// `d·θ·d_{t−1}` (L∞), as in the paper and ART.
///
/// A zero estimate (every probe on one side with a zero mean direction) skips the step instead of
/// producing NaN (ART #307); a start the oracle already misclassifies is returned at once.
///
/// Reference: Chen, Jordan & Wainwright, "HopSkipJumpAttack: a query-efficient decision-based
/// attack", IEEE S&P 2020.
///
/// ```swift
/// let hsj = try HopSkipJump(norm: .linf, maxQueries: 1_000, epsilon: 0.1)
/// let run = try hsj.run(oracle.session(client: "hsj"), inputs: x, labels: y)
/// ```
public struct HopSkipJump: DecisionBasedAttack {
  public let norm: Norm
  public let maxQueries: Int
  /// Success radius; nil: any adversarial point is a success (minimal-perturbation mode).
  public let epsilon: Float?
  public let initialEvaluations: Int
  public let maxEvaluations: Int
  public let gamma: Float
  /// Uniform random draws tried for an adversarial start.
  public let initTries: Int
  public let seed: UInt64

  public init(norm: Norm = .l2, maxQueries: Int = 1_000, epsilon: Float? = nil, initialEvaluations: Int = 100,
              maxEvaluations: Int = 10_000, gamma: Float = 1, initTries: Int = 100, seed: UInt64 = 0) throws {
    try AttackCheck.positive(maxQueries, "maxQueries")
    if let epsilon { try AttackCheck.positive(epsilon, "epsilon") }
    try AttackCheck.positive(initialEvaluations, "initialEvaluations")
    try AttackCheck.positive(maxEvaluations, "maxEvaluations")
    try AttackCheck.positive(gamma, "gamma")
    try AttackCheck.positive(initTries, "initTries")
    self.norm = norm; self.maxQueries = maxQueries; self.epsilon = epsilon
    self.initialEvaluations = initialEvaluations; self.maxEvaluations = maxEvaluations; self.gamma = gamma
    self.initTries = initTries; self.seed = seed
  }

  public var name: String { "hsj-\(norm.rawValue)(q=\(maxQueries)\(epsilon.map { ",ε=\($0)" } ?? ""))" }

  public func run(_ oracle: OracleSession, inputs: Tensor, labels: [Int32], goal: AttackGoal) throws -> AttackRun {
    let st = try DecisionState(session: oracle, inputs: inputs, labels: labels, goal: goal, maxQueries: maxQueries,
                               norm: norm, epsilon: epsilon, attack: name)
    let d = st.d, df = Float(d)
    let theta = norm == .l2 ? gamma / (df * df.squareRoot()) : gamma / (df * df)
    let key = PhiloxKey(seed: seed).derived(0x4853_4A)
    do {
      try st.initialize(tries: initTries, seed: seed, threshold: theta)
      var t = 1
      while true {
        // Keep samples that can afford a minimal estimate (2 probes) plus a step check.
        for i in st.unfinished where st.remaining(i) < 3 { st.finish(i) }
        let active = st.unfinished
        if active.isEmpty { break }
        // (2) Gradient direction at the boundary point: all probes of all samples in one batch,
        // their directions drawn in one call to the backend's generator.
        var plan = [(i: Int, count: Int, delta: Float)](), total = 0
        var probes = [Int: (start: Int, count: Int, delta: Float)]()
        for i in active {
          let b = Int(min((Double(initialEvaluations) * Double(t).squareRoot()).rounded(.down), Double(min(maxEvaluations, st.remaining(i) - 1))))
          let delta: Float = t == 1 ? 0.1 * (st.hi - st.lo) : (norm == .l2 ? df.squareRoot() : df) * theta * st.dist[i]
          plan.append((i, b, max(delta, 1e-12)))
          probes[i] = (total, b, max(delta, 1e-12))
          total += b
        }
        let u = try st.noise(norm == .l2 ? .normal(mean: 0, std: 1) : .uniform(lo: -1, hi: 1), count: total * d, key: key)
        var rows = [Float](repeating: 0, count: total * d), owners = [Int]()
        owners.reserveCapacity(total)
        var r = 0
        for p in plan {
          let base = p.i * d
          for _ in 0..<p.count {
            let o = r * d
            var s: Float = 0
            for j in 0..<d { s += u[o + j] * u[o + j] }
            let f: Float = s > 0 ? p.delta / s.squareRoot() : 0
            for j in 0..<d { rows[o + j] = Vec.clip(st.adv[base + j] + f * u[o + j], st.lo, st.hi) }
            owners.append(p.i)
            r += 1
          }
        }
        let a = try st.labels(rows, owners: owners, purpose: .loss)
        var direction = [Int: [Float]]()
        for i in active {
          let p = probes[i]!, base = i * d
          guard p.count > 0 else { continue }
          let phi = (0..<p.count).map { a.adv[p.start + $0] ? Float(1) : -1 }
          let mean = phi.reduce(0, +) / Float(p.count)
          let baseline: Float = abs(mean) == 1 ? 0 : mean
          var g = [Float](repeating: 0, count: d)
          for r in 0..<p.count {
            let w = (phi[r] - baseline) / p.delta
            let row = (p.start + r) * d
            for j in 0..<d { g[j] += w * (rows[row + j] - st.adv[base + j]) }
          }
          let gn = Vec.l2(g[...])
          guard gn > 0, gn.isFinite else { continue }   // zero estimate: no step this round
          direction[i] = norm == .l2 ? g.map { $0 / gn } : g.map { WhiteBoxLoss.sign($0) }
        }
        // (3) Geometric step-size search.
        var xi = [Int: Float]()
        for i in active where direction[i] != nil { xi[i] = st.dist[i] / Float(t).squareRoot() }
        var searching = Array(xi.keys).sorted()
        var accepted = [Int: (x: [Float], label: Int32)]()
        for _ in 0..<25 {
          searching = searching.filter { st.remaining($0) >= 1 }
          if searching.isEmpty { break }
          var cand = [Float]()
          for i in searching {
            let xb = st.current(i), u = direction[i]!
            for j in 0..<d { cand.append(Vec.clip(xb[xb.startIndex + j] + xi[i]! * u[j], st.lo, st.hi)) }
          }
          let c = try st.labels(cand, owners: searching, purpose: .successCheck)
          var still = [Int]()
          for (r, i) in searching.enumerated() {
            if c.adv[r] { accepted[i] = (Array(cand[(r * d)..<((r + 1) * d)]), c.labels[r]) } else { xi[i]! /= 2; still.append(i) }
          }
          searching = still
        }
        // (1) Back to the boundary from the new point (a sample without a step keeps its point).
        try st.binarySearch(accepted.keys.sorted(), towards: accepted, threshold: theta)
        t += 1
        if t > maxQueries { break }   // defensive: every round spends ≥ 2 queries, so the budget ends it first
      }
    } catch where DecisionState.isBudgetRefusal(error) {
      // The oracle's own budget refused a batch: keep what was found.
    }
    return st.run(attack: name)
  }
}
