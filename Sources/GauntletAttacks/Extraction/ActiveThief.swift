import Foundation
import GauntletCore

/// ActiveThief (Pal, Gupta, Shukla, Kanade, Shevade & Ganapathy, "ActiveThief: Model Extraction
/// Using Active Learning and Unannotated Public Data", AAAI 2020).
///
/// A random initial set (`initial` × budget, at least one row per class) is labelled; then for
/// `rounds` rounds: train the substitute, pick the next `remaining/rounds_left` pool samples and
/// query them.
/// - `uncertainty`: highest entropy of the substitute's softmax.
/// - `kcenter`: greedy k-center (core-set) in the substitute's probability space — each pick is the
///   pool sample farthest from every sample queried or picked so far.
enum ActiveThief {
  static func run(_ c: ExtractionContext) throws {
    let o = c.options, k = c.classCount
    var unused = c.shuffledPool()
    let n0 = min(c.ledger.budget, unused.count, max(k, Int(Float(c.ledger.budget) * o.initialFraction)))
    try c.ledger.ask(c.thief.rows(Array(unused.prefix(n0))))
    unused.removeFirst(n0)
    let rounds = max(1, o.rounds)
    for round in 0..<rounds where !c.ledger.exhausted && !unused.isEmpty {
      try c.train(epochs: max(2, o.epochs / 3), minimumSteps: 200)
      let want = min(unused.count, round == rounds - 1 ? c.ledger.remaining : max(1, c.ledger.remaining / (rounds - round)))
      let p = try c.substituteProbabilities(c.thief.rows(unused))
      var chosen: [Int]
      if o.strategy == "kcenter" {
        let queried = try c.substituteProbabilities(c.ledger.inputs)
        chosen = kCenter(pool: p, centres: queried, classCount: k, count: want)
      } else {
        let entropy = (0..<unused.count).map { r -> Float in
          var h: Float = 0
          for j in 0..<k { let q = p[r * k + j]; if q > 0 { h -= q * Foundation.log(q) } }
          return h
        }
        chosen = Array(entropy.indices.sorted { entropy[$0] > entropy[$1] }.prefix(want))
      }
      try c.ledger.ask(c.thief.rows(chosen.map { unused[$0] }))
      let taken = Set(chosen)
      unused = unused.enumerated().filter { !taken.contains($0.offset) }.map(\.element)
    }
    // A pool smaller than the budget leaves rows unspent; the attack does not repeat samples.
    try c.train()
  }

  /// Greedy k-center: indices into `pool` (rows of `classCount`), each farthest (L2) from the
  /// centres and the earlier picks.
  static func kCenter(pool: [Float], centres: [Float], classCount k: Int, count: Int) -> [Int] {
    let n = pool.count / k, m = centres.count / k
    var dmin = [Float](repeating: .infinity, count: n)
    func dist(_ a: Int, _ b: [Float], _ bi: Int) -> Float {
      var s: Float = 0
      for j in 0..<k { let t = pool[a * k + j] - b[bi * k + j]; s += t * t }
      return s
    }
    for i in 0..<n { for c in 0..<m { dmin[i] = min(dmin[i], dist(i, centres, c)) } }
    var picks: [Int] = []
    for _ in 0..<min(count, n) {
      var best = 0
      for i in 1..<max(n, 1) where dmin[i] > dmin[best] { best = i }
      picks.append(best)
      for i in 0..<n { dmin[i] = min(dmin[i], dist(i, pool, best)) }
      dmin[best] = -1
    }
    return picks
  }
}
