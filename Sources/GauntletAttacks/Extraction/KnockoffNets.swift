import Foundation
import GauntletCore
import GauntletModels

/// Knockoff Nets (Orekondy, Schiele & Fritz, "Knockoff Nets: Stealing Functionality of Black-Box
/// Models", CVPR 2019). Also the one-shot `substitute` and `copycat` samplers, which are Knockoff's
/// `random` strategy with a different thief set and answer form.
///
/// - `random`: query `budget` thief samples drawn without replacement (cycling the pool when the
///   budget is larger), train the substitute on the answers.
/// - `adaptive`: a gradient bandit over groups of the thief set (the thief's own coarse labels,
///   else k-means clusters): each round draws `budget/rounds` samples, arm `a` with probability
///   `π = softmax(H)`, and updates `H_a += α (r − r̄)(1 − π_a)`, `H_b −= α (r − r̄) π_b` with the
///   paper's reward `r = r_cert + r_div + r_L`: certainty (victim's top-1 − top-2 probability),
///   diversity (`Σ_k max(0, y_k − ȳ_k)` against the running mean answer) and the substitute's loss
///   on the answer (cross-entropy), each rescaled to [0, 1] by its running maximum.
enum KnockoffNets {
  static func random(_ c: ExtractionContext) throws {
    var order: [Int] = []
    while order.count < c.ledger.budget { order += c.shuffledPool() }
    try c.ledger.ask(c.thief.rows(Array(order.prefix(c.ledger.remaining))))
    try c.train()
  }

  static func adaptive(_ c: ExtractionContext) throws {
    let o = c.options, k = c.classCount
    let groups = c.thief.groups.map { $0.map(Int.init) } ?? KMeans.assign(c.thief, clusters: min(o.groups, c.thief.count), seed: o.seed)
    let arms = (groups.max() ?? 0) + 1
    var members = [[Int]](repeating: [], count: arms)
    let perm = c.shuffledPool()
    for i in perm { members[groups[i]].append(i) }
    var next = [Int](repeating: 0, count: arms)
    var h = [Double](repeating: 0, count: arms)
    var baseline = 0.0, seen = 0.0
    var meanAnswer = [Float](repeating: 1 / Float(k), count: k)
    var maxR = (cert: 1e-9, div: 1e-9, loss: 1e-9)
    let rounds = max(1, o.rounds)
    for round in 0..<rounds where !c.ledger.exhausted {
      let want = round == rounds - 1 ? c.ledger.remaining : min(c.ledger.remaining, c.ledger.budget / rounds)
      // Policy and draws.
      let m = h.max() ?? 0
      var pi = h.map { Foundation.exp($0 - m) }
      let s = pi.reduce(0, +); pi = pi.map { $0 / s }
      var picks: [Int] = [], armOf: [Int] = []
      for _ in 0..<want {
        var a = sample(pi, &c.rng)
        if members[a].isEmpty { a = members.firstIndex { !$0.isEmpty } ?? 0 }
        picks.append(members[a][next[a] % members[a].count]); armOf.append(a); next[a] += 1   // an exhausted arm repeats
      }
      let rows = c.thief.rows(picks)
      let before = c.rounds > 0 ? try c.substituteProbabilities(rows) : [Float](repeating: 1 / Float(k), count: picks.count * k)
      let (y, _) = try c.ledger.ask(rows)
      let got = y.count / k
      // Rewards and the bandit update, one pull per answered row.
      for r in 0..<got {
        let row = Array(y[(r * k)..<((r + 1) * k)])
        let sorted = row.sorted(by: >)
        let cert = Double(sorted[0] - (k > 1 ? sorted[1] : 0))
        let div = Double(zip(row, meanAnswer).map { max(0, $0 - $1) }.reduce(0, +))
        var loss = 0.0
        for j in 0..<k where row[j] > 0 { loss -= Double(row[j]) * Foundation.log(max(Double(before[r * k + j]), 1e-12)) }
        maxR = (max(maxR.cert, cert), max(maxR.div, div), max(maxR.loss, loss))
        let reward = cert / maxR.cert + div / maxR.div + loss / maxR.loss
        seen += 1; baseline += (reward - baseline) / seen
        let a = armOf[r]
        for b in 0..<arms {
          h[b] += Double(o.alpha) * (reward - baseline) * (b == a ? 1 - pi[b] : -pi[b])
        }
        for j in 0..<k { meanAnswer[j] += (row[j] - meanAnswer[j]) / Float(seen) }
      }
      try c.train(epochs: round == rounds - 1 ? nil : max(2, o.epochs / 4), minimumSteps: round == rounds - 1 ? 600 : 100)
    }
  }

  static func sample(_ p: [Double], _ rng: inout PhiloxStream) -> Int {
    let u = Double.random(in: 0..<1, using: &rng)
    var acc = 0.0
    for (i, v) in p.enumerated() { acc += v; if u < acc { return i } }
    return p.count - 1
  }
}

/// Lloyd's k-means on the thief pool (seeded initial centres), for bandit arms when the thief
/// data carries no groups of its own.
enum KMeans {
  static func assign(_ data: ThiefData, clusters: Int, seed: UInt64, iterations: Int = 10) -> [Int] {
    let d = data.featureCount, n = data.count, kc = max(1, min(clusters, n))
    let start = Shuffle.permutation(count: n, key: PhiloxKey(seed: seed, stream: 0xC1A5)).prefix(kc).map(Int.init)
    var centres = data.rows(start)
    var assign = [Int](repeating: 0, count: n)
    for _ in 0..<iterations {
      for i in 0..<n {
        var best = 0, bestD = Float.infinity
        for c in 0..<kc {
          var s: Float = 0
          for j in 0..<d { let diff: Float = data.features[i * d + j] - centres[c * d + j]; s += diff * diff }
          if s < bestD { bestD = s; best = c }
        }
        assign[i] = best
      }
      var sums = [Float](repeating: 0, count: kc * d), counts = [Int](repeating: 0, count: kc)
      for i in 0..<n { counts[assign[i]] += 1; for j in 0..<d { sums[assign[i] * d + j] += data.features[i * d + j] } }
      for c in 0..<kc where counts[c] > 0 { for j in 0..<d { centres[c * d + j] = sums[c * d + j] / Float(counts[c]) } }
    }
    return assign
  }
}
