import GauntletCore

/// Prior-guided random gradient-free estimation (P-RGF): a transfer prior `v` (e.g. a surrogate
/// model's gradient) mixed with random directions, weighted by how well the prior agrees with
/// the true gradient.
///
/// Algorithm 1 of Cheng et al., with `v` the normalized prior, `D` the dimension:
/// 1. Estimate `vᵀ∇f ≈ (f(x + σv) − f(x))/σ` and `‖∇f‖² ≈ D/S · Σ_s ((f(x + σξ_s) − f(x))/σ)²`
///    with `S` directions `ξ_s` uniform on the sphere (Sec. 3.3); `α = vᵀ∇f / ‖∇f‖`.
/// 2. `λ* = 0` if `α² ≤ 1/(D + 2q − 2)`, `1` if `α² ≥ (2q − 1)/(D + 2q − 2)`, else
///    `(1 − α²)(α²(D + 2q − 2) − 1) / (2α²Dq − α⁴D(D + 2q − 2) − 1)` (Eq. 12).
/// 3. `λ* = 1`: `ĝ = (vᵀ∇f)·v`. Otherwise `u_i = √λ*·v + √(1 − λ*)·ξ̄_i` with `ξ̄_i` uniform on the
///    sphere orthogonal to `v`, and `ĝ = 1/q · Σ_i (f(x + σu_i) − f(x))/σ · u_i`.
///
/// Evaluations per point: `1 + S` (+`q` when λ* < 1, +1 for `f(x)` when not supplied). The prior
/// comes from a caller's closure, so this module needs no model types.
///
/// Reference: Cheng, Dong, Pang, Su & Zhu, "Improving Black-box Adversarial Attacks with a
/// Transfer-based Prior", NeurIPS 2019.
///
/// ```swift
/// let prgf = try PriorGuidedEstimator(sigma: 1e-3, q: 10) { x in try surrogateGradient(x) }
/// let est = try prgf.estimate(f, at: x, values: nil, key: PhiloxKey(seed: 3))
/// est.priorWeights   // λ* per point
/// ```
public struct PriorGuidedEstimator: GradientEstimator {
  /// Smoothing radius σ. Finite and > 0.
  public let sigma: Float
  /// Random directions per point when the prior is not trusted fully. ≥ 1.
  public let q: Int
  /// `S`, the directions spent estimating ‖∇f‖. ≥ 1.
  public let normSamples: Int
  /// `[n, d]` points → `[n, d]` prior directions (any scale; zero rows mean "no prior").
  public let prior: @Sendable (Tensor) throws -> Tensor

  public init(sigma: Float, q: Int, normSamples: Int = 10, prior: @escaping @Sendable (Tensor) throws -> Tensor) throws {
    try ZOCheck.positive(sigma, "sigma")
    try ZOCheck.positive(q, "q")
    try ZOCheck.positive(normSamples, "normSamples")
    self.sigma = sigma; self.q = q; self.normSamples = normSamples; self.prior = prior
  }

  public var name: String { "p-rgf(σ=\(sigma),q=\(q),S=\(normSamples))" }

  public func maxEvaluationsPerPoint(dimension: Int, valuesKnown: Bool) -> Int {
    (valuesKnown ? 0 : 1) + 1 + normSamples + q
  }

  /// λ* of Eq. 12 for cosine estimate `alpha`, dimension `D` and `q` directions.
  public static func optimalLambda(alpha: Float, dimension D: Int, q: Int) -> Float {
    let a2 = Double(min(max(alpha * alpha, 0), 1)), d = Double(D), qq = Double(q)
    let span = d + 2 * qq - 2
    if a2 <= 1 / span { return 0 }
    if a2 >= (2 * qq - 1) / span { return 1 }
    let lambda = (1 - a2) * (a2 * span - 1) / (2 * a2 * d * qq - a2 * a2 * d * span - 1)
    return lambda.isFinite ? Float(min(max(lambda, 0), 1)) : 0
  }

  public func estimate(_ f: BatchObjective, at points: Tensor, values: Tensor?, key: PhiloxKey) throws -> GradientEstimate {
    try ZOCheck.batch(f, points, values, "PriorGuidedEstimator.estimate")
    let be = points.backend
    let n = points.rows, d = f.dimension, S = normSamples
    let gradient = try be.tensor([n, d])
    guard n > 0 else { return GradientEstimate(gradient: gradient, values: values, evaluations: [], priorWeights: []) }
    var spent = [Int](repeating: 1 + S, count: n)
    let fx: Tensor
    if let v = values { fx = v } else {
      fx = try f.evaluate(points, owners: .blocks(rowsPerPoint: 1))
      for s in 0..<n { spent[s] += 1 }
    }
    // The normalized prior v.
    let raw = try prior(points)
    guard raw.count == n * d, raw.backend === be else {
      throw GauntletError.shapeMismatch(operation: "PriorGuidedEstimator.prior",
                                        detail: "prior returned \(raw.shape) on \(raw.backend.name); need [\(n), \(d)] on \(be.name)")
    }
    let v = try be.makeBuffer(count: n * d)
    try be.copy(raw.buffer, srcOffset: 0, to: v, dstOffset: 0, count: n * d)
    try be.normalizeRows(v, rows: n, cols: d)

    // One batch: n rows x + σv, then n·S rows x + σξ_s.
    let sphere = try RandomDirectionEstimator(directions: .sphere, sigma: sigma, q: S, antithetic: false)
    let xi = try sphere.sampleDirections(rows: n * S, dim: d, key: key.derived(1), on: be)
    let probe = try be.makeBuffer(count: n * (1 + S) * d)
    let part = try be.makeBuffer(count: n * S * d)
    try be.perturbRows(base: points.buffer, directions: v, sigma: sigma, antithetic: false, into: part,
                       samples: n, directionsPerSample: 1, dim: d)
    try be.copy(part, srcOffset: 0, to: probe, dstOffset: 0, count: n * d)
    try be.perturbRows(base: points.buffer, directions: xi, sigma: sigma, antithetic: false, into: part,
                       samples: n, directionsPerSample: S, dim: d)
    try be.copy(part, srcOffset: 0, to: probe, dstOffset: n * d, count: n * S * d)
    let probeOwners = Array(0..<n) + (0..<(n * S)).map { $0 / S }
    let fp = try f.evaluate(Tensor(buffer: probe, shape: [n * (1 + S), d], on: be), owners: .rows(probeOwners)).toArray()
    let f0 = try fx.toArray()

    var lambda = [Float](repeating: 0, count: n)
    var priorDeriv = [Float](repeating: 0, count: n)
    for s in 0..<n {
      priorDeriv[s] = (fp[s] - f0[s]) / sigma
      var sq: Float = 0
      for i in 0..<S { let g = (fp[n + s * S + i] - f0[s]) / sigma; sq += g * g }
      let norm = (Float(d) / Float(S) * sq).squareRoot()
      let alpha = norm > 0 && norm.isFinite ? priorDeriv[s] / norm : 0
      lambda[s] = PriorGuidedEstimator.optimalLambda(alpha: alpha, dimension: d, q: q)
    }
    let mixed = (0..<n).filter { lambda[$0] < 1 }

    // ĝ = (vᵀ∇f)·v for the points that trust the prior fully.
    let coef = (0..<n).map { lambda[$0] < 1 ? Float(0) : priorDeriv[$0] }
    try be.broadcast(.mul, v, be.makeBuffer(coef), into: gradient.buffer, rows: n, cols: d, axis: .column)
    guard !mixed.isEmpty else {
      return GradientEstimate(gradient: gradient, values: fx, evaluations: spent, priorWeights: lambda)
    }
    // u_i = √λ·v + √(1−λ)·ξ̄_i for every point (cheap), evaluated only where λ < 1.
    let u = try be.makeBuffer(count: n * q * d)
    try be.random(.normal(mean: 0, std: 1), key: key.derived(2), counter: 0, into: u, count: n * q * d)
    let dots = try be.makeBuffer(count: n * q)
    try be.gemm(u, v, into: dots, GemmShape(batch: n, m: q, n: 1, k: d, strideA: q * d, strideB: d, strideC: q))
    try be.gemm(dots, v, into: u, GemmShape(batch: n, m: q, n: d, k: 1, alpha: -1, beta: 1,
                                            strideA: q, strideB: d, strideC: q * d))
    try be.normalizeRows(u, rows: n * q, cols: d)
    let rowScale = (0..<(n * q)).map { (1 - lambda[$0 / q]).squareRoot() }
    try be.broadcast(.mul, u, be.makeBuffer(rowScale), into: u, rows: n * q, cols: d, axis: .column)
    let priorScale = try be.makeBuffer((0..<(n * q)).map { lambda[$0 / q].squareRoot() })
    try be.gemm(priorScale, v, into: u, GemmShape(batch: n, m: q, n: d, k: 1, beta: 1,
                                                  strideA: q, strideB: d, strideC: q * d))
    let all = try be.makeBuffer(count: n * q * d)
    try be.perturbRows(base: points.buffer, directions: u, sigma: sigma, antithetic: false, into: all,
                       samples: n, directionsPerSample: q, dim: d)
    let rows = mixed.flatMap { s in (0..<q).map { Int32(s * q + $0) } }
    let pts = try be.makeBuffer(count: rows.count * d)
    try be.gatherRows(all, indices: rows, cols: d, into: pts)
    let fu = try f.evaluate(Tensor(buffer: pts, shape: [rows.count, d], on: be), owners: .rows(rows.map { Int($0) / q })).toArray()
    var w = [Float](repeating: 0, count: n * q)
    for (k, s) in mixed.enumerated() {
      spent[s] += q
      for i in 0..<q { w[s * q + i] = fu[k * q + i] - f0[s] }
    }
    try be.combine(weights: be.makeBuffer(w), directions: u, into: gradient.buffer, samples: n,
                   directionsPerSample: q, dim: d, alpha: 1 / (sigma * Float(q)), beta: 1)
    return GradientEstimate(gradient: gradient, values: fx, evaluations: spent, priorWeights: lambda)
  }
}
