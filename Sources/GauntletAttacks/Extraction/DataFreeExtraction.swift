import Foundation
import GauntletCore
import GauntletModels

/// Data-free model extraction (Truong, Maini, Walls & Papernot, "Data-Free Model Extraction",
/// CVPR 2021), small: a generator `G: z ∈ R^nz → x` (an MLP `nz-128-features` followed by a
/// sigmoid into the input box) plays against the substitute (the student `S`).
///
/// Each iteration: draw `points` latents, `x = G(z)`; estimate `∇ₓ L` of the disagreement
/// `L(x) = ‖l_V(x) − l_S(x)‖₁` (`l_V` the victim's logits recovered from its probabilities as
/// `log p` centred per row, `l_S` the student's, centred) by forward differences along `q` random
/// unit directions, `ĝ = (d/q) Σ_j (L(x + ε u_j) − L(x)) / ε · u_j` (all `points·(q+1)` rows are
/// oracle queries); back-propagate `−ĝ` through the sigmoid and `G` and take an Adam step (the
/// generator *maximises* disagreement); then train the student on every answer so far. The
/// paper's student minimises the same ℓ₁ on logits; this one uses the soft-label cross-entropy of
/// the other attacks. Needs revealed scores.
enum DataFreeExtraction {
  static func run(_ c: ExtractionContext) throws {
    let o = c.options, d = c.featureCount, k = c.classCount
    let be = c.substitute.backend
    let gen = try ModelSpec(parsing: "mlp:\(o.latent)-128-\(d)").build(on: be, seed: o.seed &+ 2)
    let opt = try Adam(learningRate: o.generatorLearningRate)
    let b = o.points, q = o.directions
    let lo = c.box.lowerBound, span = c.box.upperBound - c.box.lowerBound
    while c.ledger.remaining >= b * (q + 1) {
      let z = c.rng.normals(b * o.latent)
      let raw = try gen.forward(try Tensor(z, shape: [b, o.latent], on: be),
                                mode: ForwardMode(training: true, recordForBackward: true)).toArray()
      let s = raw.map { 1 / (1 + Foundation.exp(-$0)) }
      let x = s.map { lo + span * $0 }
      var u = c.rng.normals(b * q * d)
      for r in 0..<(b * q) {
        let norm = Foundation.sqrt((0..<d).reduce(Float(0)) { $0 + u[r * d + $1] * u[r * d + $1] })
        for j in 0..<d { u[r * d + j] /= max(norm, 1e-12) }
      }
      var rows = x
      for i in 0..<b { for jdir in 0..<q { for f in 0..<d { rows.append(x[i * d + f] + o.epsilon * u[(i * q + jdir) * d + f]) } } }
      var clamped = Array(rows[(b * d)...]); c.clamp(&clamped)
      rows = Array(rows[..<(b * d)]) + clamped
      let (y, labels) = try c.ledger.ask(rows)
      guard labels.count == b * (q + 1) else { break }
      let student = try SubstituteTraining.logits(c.substitute, rows)
      let loss = (0..<(b * (q + 1))).map { r -> Float in
        let lv = centredLog(Array(y[(r * k)..<((r + 1) * k)]))
        let ls = centred(Array(student[(r * k)..<((r + 1) * k)]))
        return zip(lv, ls).reduce(0) { $0 + abs($1.0 - $1.1) }
      }
      var grad = [Float](repeating: 0, count: b * d)
      for i in 0..<b {
        for jdir in 0..<q {
          let diff = (loss[b + i * q + jdir] - loss[i]) / o.epsilon * Float(d) / Float(q)
          for f in 0..<d { grad[i * d + f] += diff * u[(i * q + jdir) * d + f] }
        }
      }
      // Generator loss −L (mean over points): ∂/∂raw = −ĝ · span · s(1 − s) / b.
      let graw = (0..<(b * d)).map { -grad[$0] * span * s[$0] * (1 - s[$0]) / Float(b) }
      _ = try gen.backward(gradLogits: try Tensor(graw, shape: [b, d], on: be))
      try opt.step(gen.parameters)
      try c.train(epochs: 1, minimumSteps: 1)
    }
    // Leftover rows (fewer than one iteration needs): samples of the final generator.
    if c.ledger.remaining > 0 {
      let n = c.ledger.remaining
      let raw = try gen.logits(try Tensor(c.rng.normals(n * o.latent), shape: [n, o.latent], on: be)).toArray()
      try c.ledger.ask(raw.map { lo + span / (1 + Foundation.exp(-$0)) })
    }
    try c.train()
  }

  static func centred(_ v: [Float]) -> [Float] {
    let m = v.reduce(0, +) / Float(max(v.count, 1))
    return v.map { $0 - m }
  }

  static func centredLog(_ p: [Float]) -> [Float] { centred(p.map { Foundation.log(max($0, 1e-6)) }) }
}
