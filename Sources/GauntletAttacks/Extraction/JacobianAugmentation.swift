import GauntletCore
import GauntletModels

/// Jacobian-based dataset augmentation (Papernot, McDaniel, Goodfellow, Jha, Celik & Swami,
/// "Practical Black-Box Attacks against Machine Learning", AsiaCCS 2017, Algorithm 1).
///
/// `S₀` = `seeds` thief samples (default 10 per class), labelled by the oracle. Each substitute
/// epoch ρ: train `F` on `S_ρ`, then `S_{ρ+1} = S_ρ ∪ {x + λ_ρ · sgn(J_F(x)[Õ(x)]) : x ∈ S_ρ}`
/// with the periodic step `λ_ρ = λ · (−1)^⌊ρ/τ⌋`, clamped to the input box; only the new points
/// are queried, the last augmentation truncated to the budget. Labels only by default in the
/// paper; scores are used when revealed unless `answers=labels`.
enum JacobianAugmentation {
  static func run(_ c: ExtractionContext) throws {
    let o = c.options, d = c.featureCount, k = c.classCount
    let nSeeds = min(c.ledger.budget, o.seeds > 0 ? o.seeds : 10 * k)
    try c.ledger.ask(c.thief.rows(Array(c.shuffledPool().prefix(nSeeds))))
    var rho = 0
    while !c.ledger.exhausted && (o.rounds == 0 || rho < o.rounds) {
      try c.train(epochs: nil, minimumSteps: 300)
      let (x, _, labels) = c.ledger.transcript()
      let n = labels.count
      var g = [Float](repeating: 0, count: n * k)
      for r in 0..<n { g[r * k + Int(labels[r])] = 1 }   // ∇ₓ F(x)[Õ(x)]
      let grad = try c.substituteInputGradient(x, gradLogits: g)
      let lambda = o.lambda * ((rho / o.tau) % 2 == 0 ? 1 : -1)
      var new = x
      for i in 0..<(n * d) { new[i] += lambda * sgn(grad[i]) }
      c.clamp(&new)
      let take = min(n, c.ledger.remaining)
      // Truncation keeps a seeded random subset, not the first rows (which would favour old seeds).
      let pick = Shuffle.permutation(count: n, key: PhiloxKey(seed: o.seed, stream: 0x1ACB).derived(UInt64(rho))).prefix(take)
      var rows: [Float] = []; rows.reserveCapacity(take * d)
      for i in pick { rows += new[(Int(i) * d)..<((Int(i) + 1) * d)] }
      try c.ledger.ask(rows)
      rho += 1
    }
    try c.train()
  }
}
