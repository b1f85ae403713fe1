import GauntletCore
import GauntletOracle

/// Prediction poisoning by Maximizing Angular Deviation, MAD (Orekondy, Schiele & Fritz,
/// "Prediction Poisoning: Towards Defenses Against DNN Model Stealing Attacks", ICLR 2020).
///
/// For each row with victim probabilities `y`, the defender uses a surrogate `F` of the attacker's
/// model: `G = ∇ log F(x)` (one row `g_k` per class). An attacker training on `y` with cross-entropy
/// follows `a = Gᵀy`; MAD reveals `ỹ` whose direction `Gᵀỹ` is as far in angle from `a` as
/// possible: the best simplex vertex `y* = argmax_k ‖Gᵀe_k/‖Gᵀe_k‖ − a/‖a‖‖²` (Algorithm 1's
/// vertex search), then `ỹ = y + α(y* − y)` with the largest `α ≤ 1` keeping `‖ỹ − y‖ ≤ ε`
/// (L1 by default, or L2). With `argmaxPreserving` (the paper's MAD-argmax) the candidates are
/// `e_c` and `(½+δ)e_c + (½−δ)e_k` for `c = argmax y`, so every point on the way keeps the label.
///
/// Deviation, documented: `DifferentiableModel` exposes input gradients only, so `G` is the
/// Jacobian of the surrogate's log-likelihoods with respect to the **input** (the paper uses its
/// parameters). Both are `Jᵀ(e_k − F(x))` for the respective Jacobian `J` of the logits, and one
/// batched `inputGradient` call over `K` copies of the batch computes all `g_k`. Deterministic per
/// row. Runs the surrogate in chunks of `chunkRows` rows (`K·chunkRows` gradient rows at a time).
///
/// Spec: `mad:epsilon=0.5,norm=l1,argmax=true` (needs a surrogate in `DefenseContext`).
public struct PredictionPoisoningDefense: OutputDefense {
  public enum BudgetNorm: String, Sendable, Hashable, CaseIterable { case l1, l2 }

  public let surrogate: any DifferentiableModel
  public let epsilon: Float
  public let norm: BudgetNorm
  public let argmaxPreserving: Bool
  public let chunkRows: Int
  /// Margin `δ` of the MAD-argmax candidates.
  public static let argmaxMargin: Float = 1e-3

  public init(surrogate: any DifferentiableModel, epsilon: Float, norm: BudgetNorm = .l1,
              argmaxPreserving: Bool = false, chunkRows: Int = 512) throws {
    guard epsilon.isFinite, epsilon >= 0 else {
      throw GauntletError.invalidArgument(name: "mad.epsilon", detail: "must be finite and ≥ 0, got \(epsilon)")
    }
    guard chunkRows >= 1 else {
      throw GauntletError.invalidArgument(name: "mad.chunkRows", detail: "must be ≥ 1, got \(chunkRows)")
    }
    self.surrogate = surrogate; self.epsilon = epsilon; self.norm = norm
    self.argmaxPreserving = argmaxPreserving; self.chunkRows = chunkRows
  }

  public var spec: String { "mad:epsilon=\(specNumber(epsilon)),norm=\(norm.rawValue),argmax=\(argmaxPreserving)" }
  public var preservesArgmax: Bool { argmaxPreserving }

  public func prepare(_ setup: DefenseSetup) throws {
    guard surrogate.backend === setup.backend else {
      throw GauntletError.invalidArgument(name: "mad.surrogate",
                                          detail: "surrogate lives on \(surrogate.backend.name), the model on \(setup.backend.name); build it on the same backend")
    }
    guard surrogate.classCount == setup.classCount, surrogate.inputShape.reduce(1, *) == setup.featureCount else {
      throw GauntletError.invalidArgument(name: "mad.surrogate",
                                          detail: "surrogate takes \(surrogate.inputShape) → \(surrogate.classCount) classes; the model \(setup.inputShape) → \(setup.classCount)")
    }
  }

  public func apply(to batch: inout DefenseBatch) throws {
    var y = try batch.hostProbabilities()
    var start = 0
    while start < batch.rows {
      let len = Swift.min(chunkRows, batch.rows - start)
      try poison(&y, batch: batch, start: start, count: len)
      start += len
    }
    try batch.setHostProbabilities(y)
  }

  private func poison(_ y: inout [Float], batch: DefenseBatch, start: Int, count len: Int) throws {
    let be = batch.backend, K = batch.classCount, F = batch.featureCount
    let shape = surrogate.inputShape
    let xChunk = try be.makeBuffer(count: len * F)
    try be.copy(batch.inputs.buffer, srcOffset: start * F, to: xChunk, dstOffset: 0, count: len * F)
    let ps = try surrogateProbabilities(Tensor(buffer: xChunk, shape: [len] + shape, on: be), rows: len)
    // K copies of the chunk: row k·len + b is sample b, with ∂L/∂z = e_k − F(x_b).
    let rep = try be.makeBuffer(count: K * len * F)
    try be.gatherRows(xChunk, indices: (0..<(K * len)).map { Int32($0 % len) }, cols: F, into: rep)
    var grad = [Float](repeating: 0, count: K * len * K)
    for k in 0..<K { for b in 0..<len { for j in 0..<K {
      grad[(k * len + b) * K + j] = (j == k ? 1 : 0) - ps[b * K + j]
    } } }
    let g = try surrogate.inputGradient(Tensor(buffer: rep, shape: [K * len] + shape, on: be),
                                        gradLogits: Tensor(grad, shape: [K * len, K], on: be)).toArray()
    for b in 0..<len {
      let r = start + b
      let yr = Array(y[(r * K)..<((r + 1) * K)])
      let target = bestVertex(y: yr, g: g, b: b, len: len, K: K, F: F)
      let d = distance(target, yr)
      guard d > 0 else { continue }
      let alpha = Swift.min(1, epsilon / d)
      for j in 0..<K { y[r * K + j] = yr[j] + alpha * (target[j] - yr[j]) }
    }
  }

  private func surrogateProbabilities(_ x: Tensor, rows: Int) throws -> [Float] {
    let z = try surrogate.logits(x)
    let p = try x.backend.makeBuffer(count: rows * surrogate.classCount)
    try x.backend.rows(.softmax, z.buffer, into: p, rows: rows, cols: surrogate.classCount)
    return try x.backend.download(p, offset: 0, count: rows * surrogate.classCount)
  }

  /// The candidate vertex whose gradient direction deviates most in angle from `Gᵀy`.
  private func bestVertex(y: [Float], g: [Float], b: Int, len: Int, K: Int, F: Int) -> [Float] {
    func gk(_ k: Int) -> ArraySlice<Float> { g[((k * len + b) * F)..<((k * len + b + 1) * F)] }
    func combine(_ w: [Float]) -> [Double] {
      var v = [Double](repeating: 0, count: F)
      for k in 0..<K where w[k] != 0 {
        let row = gk(k), wk = Double(w[k])
        for (i, x) in row.enumerated() { v[i] += wk * Double(x) }
      }
      return v
    }
    let a = combine(y)
    let na = (a.reduce(0) { $0 + $1 * $1 }).squareRoot()
    guard na > 0 else { return y }
    var c = 0
    for j in 1..<K where y[j] > y[c] { c = j }
    var best = y, bestCos = Double.infinity
    for k in 0..<K {
      var cand = [Float](repeating: 0, count: K)
      if argmaxPreserving && k != c {
        cand[c] = 0.5 + Self.argmaxMargin; cand[k] = 0.5 - Self.argmaxMargin
      } else {
        cand[k] = 1
      }
      let u = combine(cand)
      let nu = (u.reduce(0) { $0 + $1 * $1 }).squareRoot()
      guard nu > 0 else { continue }
      var dot = 0.0
      for i in 0..<F { dot += u[i] * a[i] }
      let cosine = dot / (nu * na)
      if cosine < bestCos { bestCos = cosine; best = cand }
    }
    return best
  }

  private func distance(_ a: [Float], _ b: [Float]) -> Float {
    switch norm {
    case .l1: return zip(a, b).reduce(0) { $0 + Swift.abs($1.0 - $1.1) }
    case .l2: return zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }
  }
}
