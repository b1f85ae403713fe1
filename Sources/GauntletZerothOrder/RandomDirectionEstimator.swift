import GauntletCore

/// Gradient estimation from random directions: Gaussian (RGF), uniform on the unit sphere,
/// antithetic Gaussian (NES) and Rademacher (SPSA), as one batched evaluation.
///
/// With `q` directions `u_i` per point and smoothing `σ`:
/// - forward (one-sided): `ĝ = c/(σ·q) · Σ_i (f(x + σ·u_i) − f(x)) · u_i`, `q` evaluations
///   (+1 for `f(x)` when not supplied);
/// - antithetic (two-sided): `ĝ = c/(2σ·q) · Σ_i (f(x + σ·u_i) − f(x − σ·u_i)) · u_i`, `2q` evaluations;
///
/// where `c = 1` for Gaussian and Rademacher directions (`E[uuᵀ] = I`) and `c = d` on the sphere
/// (`E[uuᵀ] = I/d`). In general each is an unbiased estimate of the gradient of a smoothed `f`;
/// for a quadratic `f` all are unbiased estimates of ∇f itself (the curvature term `σ/2·uᵀAu·u`
/// is odd in `u` and averages out).
///
/// References:
/// - Nesterov & Spokoiny, "Random gradient-free minimization of convex functions", Found.
///   Comput. Math. 2017 (Gaussian smoothing, RGF).
/// - Flaxman, Kalai & McMahan, "Online convex optimization in the bandit setting", SODA 2005
///   (uniform on the sphere).
/// - Wierstra et al., "Natural Evolution Strategies", JMLR 2014; Ilyas et al., "Black-box
///   Adversarial Attacks with Limited Queries and Information", ICML 2018 (antithetic NES).
/// - Spall, "Multivariate stochastic approximation using a simultaneous perturbation gradient
///   approximation", IEEE TAC 1992; Uesato et al., "Adversarial Risk and the Dangers of
///   Evaluating Against Weak Attacks", ICML 2018 (SPSA with Rademacher directions).
///
/// ```swift
/// let nes = try RandomDirectionEstimator.nes(sigma: 0.01, q: 20)
/// let est = try nes.estimate(f, at: x, values: nil, key: PhiloxKey(seed: 1))
/// est.gradient          // [n, d]
/// est.evaluations[0]    // 40
/// ```
public struct RandomDirectionEstimator: GradientEstimator {
  /// Where the directions come from.
  public enum Directions: String, Sendable, Hashable, Codable {
    /// `u ~ N(0, I)`.
    case gaussian
    /// `u` uniform on the unit sphere `S^{d−1}` (a normalized Gaussian).
    case sphere
    /// Entries ±1 with probability ½ (SPSA's Bernoulli perturbation).
    case rademacher
  }

  public let directions: Directions
  /// Smoothing radius σ (δ in SPSA, h in finite-difference terms). Finite and > 0.
  public let sigma: Float
  /// Number of directions per point. ≥ 1.
  public let q: Int
  /// Two-sided differences `f(x+σu) − f(x−σu)` (NES, SPSA) instead of `f(x+σu) − f(x)`.
  public let antithetic: Bool

  public init(directions: Directions, sigma: Float, q: Int, antithetic: Bool) throws {
    try ZOCheck.positive(sigma, "sigma")
    try ZOCheck.positive(q, "q")
    self.directions = directions; self.sigma = sigma; self.q = q; self.antithetic = antithetic
  }

  /// Random gradient-free oracle with Gaussian directions, forward differences (Nesterov & Spokoiny 2017).
  public static func rgf(sigma: Float, q: Int) throws -> RandomDirectionEstimator {
    try RandomDirectionEstimator(directions: .gaussian, sigma: sigma, q: q, antithetic: false)
  }

  /// Directions uniform on the unit sphere, forward differences (Flaxman et al. 2005; Liu et al. 2018).
  public static func sphere(sigma: Float, q: Int) throws -> RandomDirectionEstimator {
    try RandomDirectionEstimator(directions: .sphere, sigma: sigma, q: q, antithetic: false)
  }

  /// Antithetic Gaussian sampling, `2q` evaluations (Wierstra et al. 2014; Ilyas et al. 2018).
  public static func nes(sigma: Float, q: Int) throws -> RandomDirectionEstimator {
    try RandomDirectionEstimator(directions: .gaussian, sigma: sigma, q: q, antithetic: true)
  }

  /// Simultaneous perturbation with Rademacher directions and perturbation size `delta`, `2q`
  /// evaluations (Spall 1992; Uesato et al. 2018).
  public static func spsa(delta: Float, q: Int) throws -> RandomDirectionEstimator {
    try RandomDirectionEstimator(directions: .rademacher, sigma: delta, q: q, antithetic: true)
  }

  public var name: String {
    switch (directions, antithetic) {
    case (.gaussian, false): return "rgf(σ=\(sigma),q=\(q))"
    case (.gaussian, true): return "nes(σ=\(sigma),q=\(q))"
    case (.sphere, false): return "sphere(σ=\(sigma),q=\(q))"
    case (.sphere, true): return "sphere-antithetic(σ=\(sigma),q=\(q))"
    case (.rademacher, true): return "spsa(δ=\(sigma),q=\(q))"
    case (.rademacher, false): return "rademacher-forward(δ=\(sigma),q=\(q))"
    }
  }

  public func maxEvaluationsPerPoint(dimension: Int, valuesKnown: Bool) -> Int {
    antithetic ? 2 * q : q + (valuesKnown ? 0 : 1)
  }

  /// Draws `rows × dim` directions of this estimator's kind on `backend`.
  public func sampleDirections(rows: Int, dim: Int, key: PhiloxKey, on backend: Backend) throws -> DeviceBuffer {
    let u = try backend.makeBuffer(count: max(rows * dim, 1))
    switch directions {
    case .gaussian, .sphere:
      try backend.random(.normal(mean: 0, std: 1), key: key, counter: 0, into: u, count: rows * dim)
      if directions == .sphere { try backend.normalizeRows(u, rows: rows, cols: dim) }
    case .rademacher:
      try backend.random(.rademacher, key: key, counter: 0, into: u, count: rows * dim)
    }
    return u
  }

  public func estimate(_ f: BatchObjective, at points: Tensor, values: Tensor?, key: PhiloxKey) throws -> GradientEstimate {
    try ZOCheck.batch(f, points, values, "RandomDirectionEstimator.estimate")
    let be = points.backend
    let n = points.rows, d = f.dimension
    let gradient = try be.tensor([n, d])
    guard n > 0 else { return GradientEstimate(gradient: gradient, values: values, evaluations: []) }
    let u = try sampleDirections(rows: n * q, dim: d, key: key, on: be)
    let c: Float = directions == .sphere ? Float(d) : 1
    let weights = try be.makeBuffer(count: n * q)
    var fx = values
    var perPoint = 0
    if antithetic {
      // 2·n·q rows: out[2r] = x + σu_r, out[2r+1] = x − σu_r.
      let pts = try be.makeBuffer(count: 2 * n * q * d)
      try be.perturbRows(base: points.buffer, directions: u, sigma: sigma, antithetic: true, into: pts,
                         samples: n, directionsPerSample: q, dim: d)
      let fv = try f.evaluate(Tensor(buffer: pts, shape: [2 * n * q, d], on: be), owners: .blocks(rowsPerPoint: 2 * q))
      // w[r] = f(x+σu_r) − f(x−σu_r): an (n·q × 2)·(2 × 1) product with [1, −1].
      let pm = try be.makeBuffer([1, -1])
      try be.gemm(fv.buffer, pm, into: weights, GemmShape(m: n * q, n: 1, k: 2))
      try be.combine(weights: weights, directions: u, into: gradient.buffer, samples: n,
                     directionsPerSample: q, dim: d, alpha: c / (2 * sigma * Float(q)))
      perPoint = 2 * q
    } else {
      let base: Tensor
      if let v = values { base = v } else { base = try f.evaluate(points, owners: .blocks(rowsPerPoint: 1)); perPoint += 1 }
      fx = base
      let pts = try be.makeBuffer(count: n * q * d)
      try be.perturbRows(base: points.buffer, directions: u, sigma: sigma, antithetic: false, into: pts,
                         samples: n, directionsPerSample: q, dim: d)
      let fv = try f.evaluate(Tensor(buffer: pts, shape: [n * q, d], on: be), owners: .blocks(rowsPerPoint: q))
      // w[s, i] = f(x_s + σu_i) − f(x_s).
      try be.broadcast(.sub, fv.buffer, base.buffer, into: weights, rows: n, cols: q, axis: .column)
      try be.combine(weights: weights, directions: u, into: gradient.buffer, samples: n,
                     directionsPerSample: q, dim: d, alpha: c / (sigma * Float(q)))
      perPoint += q
    }
    return GradientEstimate(gradient: gradient, values: fx, evaluations: [Int](repeating: perPoint, count: n))
  }
}
