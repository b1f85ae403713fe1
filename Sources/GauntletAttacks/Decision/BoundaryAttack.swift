import Foundation
import GauntletCore
import GauntletOracle

/// Boundary attack (L2): a rejection-sampling walk along the decision boundary. Each iteration
/// draws `trials` proposals per sample: an orthogonal step of relative size δ on the sphere
/// around the original (`η ⟂ (x₀ − x)`, `‖η‖ = δ·‖x − x₀‖`, then projected back to the sphere),
/// followed by a step of relative size ε towards the original. Both the spherical candidate and
/// the final one are queried; the closest adversarial final candidate replaces the current point.
/// δ and ε adapt to the success rates (`×stepAdapt` when < 0.2, `÷stepAdapt` when > 0.5), as in
/// the paper and ART (`delta = epsilon = 0.01`, `step_adapt = 0.667`).
///
/// Reference: Brendel, Rauber & Bethge, "Decision-based adversarial attacks: reliable attacks
/// against black-box machine learning models", ICLR 2018.
///
/// ```swift
/// let run = try BoundaryAttack(maxQueries: 1_000, epsilon: 1.0).run(session, inputs: x, labels: y)
/// ```
public struct BoundaryAttack: DecisionBasedAttack {
  public let maxQueries: Int
  public let epsilon: Float?
  /// Initial spherical (orthogonal) step δ and source step ε, relative to the current distance.
  public let delta: Float
  public let sourceStep: Float
  public let stepAdapt: Float
  /// Proposals per sample per iteration (each costs two queries).
  public let trials: Int
  public let initTries: Int
  public let seed: UInt64

  public init(maxQueries: Int = 1_000, epsilon: Float? = nil, delta: Float = 0.01, sourceStep: Float = 0.01,
              stepAdapt: Float = 0.667, trials: Int = 5, initTries: Int = 100, seed: UInt64 = 0) throws {
    try AttackCheck.positive(maxQueries, "maxQueries")
    if let epsilon { try AttackCheck.positive(epsilon, "epsilon") }
    try AttackCheck.positive(delta, "delta")
    try AttackCheck.unit(sourceStep, "sourceStep")
    try AttackCheck.unit(stepAdapt, "stepAdapt")
    try AttackCheck.positive(trials, "trials")
    try AttackCheck.positive(initTries, "initTries")
    self.maxQueries = maxQueries; self.epsilon = epsilon; self.delta = delta; self.sourceStep = sourceStep
    self.stepAdapt = stepAdapt; self.trials = trials; self.initTries = initTries; self.seed = seed
  }

  public var name: String { "boundary-l2(q=\(maxQueries),trials=\(trials)\(epsilon.map { ",ε=\($0)" } ?? ""))" }

  public func run(_ oracle: OracleSession, inputs: Tensor, labels: [Int32], goal: AttackGoal) throws -> AttackRun {
    let st = try DecisionState(session: oracle, inputs: inputs, labels: labels, goal: goal, maxQueries: maxQueries,
                               norm: .l2, epsilon: epsilon, attack: name)
    let n = st.n, d = st.d, df = Float(d)
    var rngs = (0..<n).map { HostRandom(key: PhiloxKey(seed: seed).derived(UInt64($0))) }
    var dl = [Float](repeating: delta, count: n), ep = [Float](repeating: sourceStep, count: n)
    do {
      try st.initialize(tries: initTries, seed: seed, threshold: 1 / (df * df.squareRoot()))
      while true {
        for i in st.unfinished where st.remaining(i) < 2 { st.finish(i) }
        let active = st.unfinished
        if active.isEmpty { break }
        var sph = [Float](), fin = [Float](), owners = [Int]()
        for i in active {
          let m = min(trials, st.remaining(i) / 2)
          let x0 = st.original(i), x = st.current(i), b0 = x0.startIndex, b = x.startIndex
          let dist = max(st.dist[i], 1e-12)
          var dir = (0..<d).map { (x0[b0 + $0] - x[b + $0]) / dist }
          if Vec.l2(dir[...]) == 0 { dir = [Float](repeating: 0, count: d) }
          for _ in 0..<m {
            var eta = (0..<d).map { _ in rngs[i].gaussian() }
            let en = Vec.l2(eta[...])
            if en > 0 { for j in 0..<d { eta[j] *= dl[i] * dist / en } }
            let dot = (0..<d).reduce(Float(0)) { $0 + eta[$1] * dir[$1] }
            for j in 0..<d { eta[j] -= dot * dir[j] }
            let hyp = (1 + dl[i] * dl[i]).squareRoot()
            let s = (0..<d).map { j in Vec.clip(x[b + j] + ((1 - hyp) * (x[b + j] - x0[b0 + j]) + eta[j]) / hyp, st.lo, st.hi) }
            sph += s
            fin += (0..<d).map { j in Vec.clip(s[j] + ep[i] * (x0[b0 + j] - s[j]), st.lo, st.hi) }
            owners.append(i)
          }
        }
        let a1 = try st.labels(sph, owners: owners, purpose: .loss)
        let a2 = try st.labels(fin, owners: owners, purpose: .loss)
        var r = 0
        for i in active {
          var sOK = 0, fOK = 0, count = 0
          var best: (x: [Float], label: Int32, dist: Float)?
          while r < owners.count && owners[r] == i {
            count += 1
            if a1.adv[r] { sOK += 1 }
            if a2.adv[r] {
              if a1.adv[r] { fOK += 1 }
              let x = Array(fin[(r * d)..<((r + 1) * d)])
              let dd = Vec.distance(x[...], st.original(i), .l2)
              if dd < (best?.dist ?? st.dist[i]) { best = (x, a2.labels[r], dd) }
            }
            r += 1
          }
          guard count > 0 else { continue }
          let sRate = Float(sOK) / Float(count)
          if sRate < 0.2 { dl[i] *= stepAdapt } else if sRate > 0.5 { dl[i] /= stepAdapt }
          if sOK > 0 {
            let fRate = Float(fOK) / Float(sOK)
            if fRate < 0.2 { ep[i] *= stepAdapt } else if fRate > 0.5 { ep[i] = min(ep[i] / stepAdapt, 0.5) }
          }
          dl[i] = min(max(dl[i], 1e-6), 1); ep[i] = max(ep[i], 1e-6)
          if let best { st.accept(i, best.x, label: best.label) }
        }
      }
    } catch where DecisionState.isBudgetRefusal(error) {
    }
    return st.run(attack: name)
  }
}
