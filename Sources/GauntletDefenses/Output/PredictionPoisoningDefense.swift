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
/// batched `inputGradient` call over `K` copies of the batch computes all `g_k`; one batched GEMM
/// then gives each sample's Gram matrix `GGᵀ`, from which every candidate's angle follows in
/// `O(K²)`. Deterministic per row. Runs the surrogate in chunks of `chunkRows` rows (`K·chunkRows`
/// gradient rows at a time).
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
    // K copies of each sample, sample-major: row b·K + k is sample b with ∂L/∂z = e_k − F(x_b),
    // so its gradient is g_k = ∇ₓ log F_k(x_b) and sample b's K gradients form one K×F block.
    let rep = try be.makeBuffer(count: K * len * F)
    try be.gatherRows(xChunk, indices: (0..<(K * len)).map { Int32($0 / K) }, cols: F, into: rep)
    var grad = [Float](repeating: 0, count: K * len * K)
    for b in 0..<len { for k in 0..<K { for j in 0..<K {
      grad[(b * K + k) * K + j] = (j == k ? 1 : 0) - ps[b * K + j]
    } } }
    let g = try surrogate.inputGradient(Tensor(buffer: rep, shape: [K * len] + shape, on: be),
                                        gradLogits: Tensor(grad, shape: [K * len, K], on: be))
    // Per-sample Gram matrices G·Gᵀ (K×K) in one batched GEMM: every angle below follows from them.
    let gram = try be.makeBuffer(count: len * K * K)
    try be.gemm(g.buffer, g.buffer, into: gram,
                GemmShape(batch: len, m: K, n: K, k: F, transB: true, strideA: K * F, strideB: K * F, strideC: K * K))
    let m = try be.download(gram, offset: 0, count: len * K * K)
    for b in 0..<len {
      let r = start + b
      let yr = Array(y[(r * K)..<((r + 1) * K)])
      let target = bestVertex(y: yr, gram: m[(b * K * K)..<((b + 1) * K * K)], K: K)
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

  /// The candidate vertex whose gradient direction deviates most in angle from `a = Gᵀy`, using
  /// the Gram matrix `M = GGᵀ`: for a candidate `w`, `cos = wᵀMy / sqrt(wᵀMw · yᵀMy)`.
  private func bestVertex(y: [Float], gram: ArraySlice<Float>, K: Int) -> [Float] {
    let base = gram.startIndex
    func M(_ i: Int, _ j: Int) -> Double { Double(gram[base + i * K + j]) }
    let my = (0..<K).map { i in (0..<K).reduce(0.0) { $0 + M(i, $1) * Double(y[$1]) } }
    let aa = zip(y, my).reduce(0.0) { $0 + Double($1.0) * $1.1 }
    guard aa > 0 else { return y }
    var c = 0
    for j in 1..<K where y[j] > y[c] { c = j }
    let hi = Double(0.5 + Self.argmaxMargin), lo = Double(0.5 - Self.argmaxMargin)
    var best = -1, bestCos = Double.infinity
    for k in 0..<K {
      let uv: Double, uu: Double
      if argmaxPreserving && k != c {
        uv = hi * my[c] + lo * my[k]
        uu = hi * hi * M(c, c) + 2 * hi * lo * M(c, k) + lo * lo * M(k, k)
      } else {
        uv = my[k]; uu = M(k, k)
      }
      guard uu > 0 else { continue }
      let cosine = uv / (uu * aa).squareRoot()
      if cosine < bestCos { bestCos = cosine; best = k }
    }
    guard best >= 0 else { return y }
    var cand = [Float](repeating: 0, count: K)
    if argmaxPreserving && best != c {
      cand[c] = 0.5 + Self.argmaxMargin; cand[best] = 0.5 - Self.argmaxMargin
    } else {
      cand[best] = 1
    }
    return cand
  }

  private func distance(_ a: [Float], _ b: [Float]) -> Float {
    switch norm {
    case .l1: return zip(a, b).reduce(0) { $0 + Swift.abs($1.0 - $1.1) }
    case .l2: return zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }
  }
}
