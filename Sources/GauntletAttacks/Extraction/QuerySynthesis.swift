import Foundation
import GauntletCore

/// Query synthesis near the decision boundary, the two generators the extraction literature names
/// beside data-driven sampling (e.g. Tramèr et al. 2016 §5 "adaptive retraining"; Papernot et al.
/// 2017): points close to the boundary carry the most information about it.
///
/// - `genetic`: a population (`population`, from the thief pool) is labelled; each generation
///   breeds children by uniform crossover of two tournament-selected parents with different
///   labels plus Gaussian mutation (σ = `mutation`), queries them, and keeps the fittest, with
///   fitness = −(top-1 − top-2) probability margin — of the victim's answer when scores are
///   revealed, of the substitute (retrained each generation) when only labels are.
/// - `boundary`: `initial` × budget thief samples are labelled and the substitute trained; each
///   round starts from fresh thief samples and runs `steps` signed gradient-descent steps of size
///   `step` on the substitute's top-2 logit margin `z₁ − z₂`, which carries them onto the
///   substitute's decision boundary; the victim labels them and the substitute is retrained.
enum QuerySynthesis {
  static func genetic(_ c: ExtractionContext) throws {
    let o = c.options, d = c.featureCount, k = c.classCount
    let pop = min(o.population, c.ledger.budget)
    let pool = c.shuffledPool()
    var xs = c.thief.rows(Array((0..<pop).map { pool[$0 % pool.count] }))
    var (answers, labels) = try c.ledger.ask(xs)
    xs = Array(xs.prefix(labels.count * d))
    if !c.ledger.usedScores { try c.train(epochs: 3, minimumSteps: 50) }
    var fitness = try fitnessOf(c, xs, answers)
    while !c.ledger.exhausted && labels.count >= 2 {
      let want = min(pop, c.ledger.remaining)
      var children: [Float] = []; children.reserveCapacity(want * d)
      let noise = c.rng.normals(want * d)
      for ch in 0..<want {
        let a = tournament(fitness, &c.rng)
        var b = tournament(fitness, &c.rng)
        for _ in 0..<8 where labels[b] == labels[a] { b = tournament(fitness, &c.rng) }
        for j in 0..<d {
          let from = Bool.random(using: &c.rng) ? a : b
          children.append(xs[from * d + j] + o.mutation * noise[ch * d + j])
        }
      }
      c.clamp(&children)
      let (y, l) = try c.ledger.ask(children)
      if l.isEmpty { break }
      let kids = Array(children.prefix(l.count * d))
      if !c.ledger.usedScores { try c.train(epochs: 3, minimumSteps: 50) }
      let fAll = try fitnessOf(c, xs + kids, answers + y)
      // Survivors: the `pop` fittest of parents and children.
      let keep = Array(fAll.indices.sorted { fAll[$0] > fAll[$1] }.prefix(pop))
      let allX = xs + kids, allY = answers + y, allL = labels + l
      xs = keep.flatMap { allX[($0 * d)..<(($0 + 1) * d)] }
      answers = keep.flatMap { allY[($0 * k)..<(($0 + 1) * k)] }
      labels = keep.map { allL[$0] }
      fitness = keep.map { fAll[$0] }
    }
    try c.train()
  }

  /// −margin of the victim's scores (when revealed) or of the substitute's probabilities.
  static func fitnessOf(_ c: ExtractionContext, _ xs: [Float], _ answers: [Float]) throws -> [Float] {
    let k = c.classCount
    let p = c.ledger.usedScores ? answers : try c.substituteProbabilities(xs)
    return (0..<(p.count / k)).map { r in
      let s = p[(r * k)..<((r + 1) * k)].sorted(by: >)
      return -(s[0] - (k > 1 ? s[1] : 0))
    }
  }

  static func tournament(_ f: [Float], _ rng: inout PhiloxStream) -> Int {
    let a = Int.random(in: 0..<f.count, using: &rng), b = Int.random(in: 0..<f.count, using: &rng)
    return f[a] >= f[b] ? a : b
  }

  static func boundary(_ c: ExtractionContext) throws {
    let o = c.options, d = c.featureCount, k = c.classCount
    let pool = c.shuffledPool()
    var cursor = 0
    func fresh(_ n: Int) -> [Float] {
      defer { cursor += n }
      return c.thief.rows((0..<n).map { pool[(cursor + $0) % pool.count] })
    }
    let n0 = max(k, Int(Float(c.ledger.budget) * o.initialFraction))
    try c.ledger.ask(fresh(min(n0, c.ledger.budget)))
    let rounds = max(1, o.rounds)
    for round in 0..<rounds where !c.ledger.exhausted {
      try c.train(epochs: max(2, o.epochs / 3), minimumSteps: 200)
      let want = round == rounds - 1 ? c.ledger.remaining : max(1, c.ledger.remaining / (rounds - round))
      var x = fresh(want)
      for _ in 0..<o.steps {
        let z = try SubstituteTraining.logits(c.substitute, x)
        var g = [Float](repeating: 0, count: want * k)
        for r in 0..<want {
          var i1 = 0
          for j in 1..<k where z[r * k + j] > z[r * k + i1] { i1 = j }
          var i2 = i1 == 0 ? 1 : 0
          for j in 0..<k where j != i1 && z[r * k + j] > z[r * k + i2] { i2 = j }
          g[r * k + i1] = 1; g[r * k + i2] = -1   // ∇(z₁ − z₂)
        }
        let grad = try c.substituteInputGradient(x, gradLogits: g)
        for i in 0..<(want * d) { x[i] -= o.stepSize * sgn(grad[i]) }
        c.clamp(&x)
      }
      try c.ledger.ask(x)
    }
    try c.train()
  }
}
