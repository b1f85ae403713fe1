import GauntletCore

/// How well gradient estimators recover a known gradient: the cosine similarity between estimate
/// and truth, against the evaluations each spent.
///
/// ```swift
/// let rows = try EstimatorQuality.measure(
///   [RandomDirectionEstimator.nes(sigma: 1e-3, q: 10), RandomDirectionEstimator.spsa(delta: 1e-3, q: 10)],
///   on: f, at: points, trueGradient: { x in try analyticGradient(x) }, key: PhiloxKey(seed: 1))
/// print(EstimatorQuality.markdownTable(rows))
/// ```
public enum EstimatorQuality {
  /// One estimator's score over a batch of points.
  public struct Row: Sendable, Codable, Hashable {
    public var estimator: String
    /// Mean evaluations per point.
    public var queriesPerPoint: Double
    /// Mean and standard deviation of cos(ĝ, ∇f) over the points.
    public var meanCosine: Double
    public var stdCosine: Double
    public var points: Int
  }

  /// Row-wise cosine similarity of two `[n, d]` tensors (0 where either row is zero).
  public static func cosines(_ a: Tensor, _ b: Tensor) throws -> [Float] {
    guard a.shape == b.shape, a.backend === b.backend else {
      throw GauntletError.shapeMismatch(operation: "EstimatorQuality.cosines", detail: "\(a.shape) vs \(b.shape)")
    }
    let be = a.backend, n = a.rows, d = a.cols
    guard n > 0 else { return [] }
    let dot = try be.download(be.rowDots(a.buffer, b.buffer, rows: n, cols: d), count: n)
    let na = try be.makeBuffer(count: n), nb = try be.makeBuffer(count: n)
    try be.rows(.l2Norm, a.buffer, into: na, rows: n, cols: d)
    try be.rows(.l2Norm, b.buffer, into: nb, rows: n, cols: d)
    let ha = try be.download(na, count: n), hb = try be.download(nb, count: n)
    return (0..<n).map { i in ha[i] > 0 && hb[i] > 0 ? dot[i] / (ha[i] * hb[i]) : 0 }
  }

  /// Runs every estimator once at `points` and compares with `trueGradient(points)`.
  public static func measure(_ estimators: [any GradientEstimator], on f: BatchObjective, at points: Tensor,
                             trueGradient: (Tensor) throws -> Tensor, key: PhiloxKey) throws -> [Row] {
    let truth = try trueGradient(points)
    return try estimators.enumerated().map { (i, e) in
      let est = try e.estimate(f, at: points, values: nil, key: key.derived(UInt64(i)))
      let c = try cosines(est.gradient, truth).map(Double.init)
      let n = Double(max(c.count, 1))
      let mean = c.reduce(0, +) / n
      let std = (c.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n).squareRoot()
      return Row(estimator: e.name, queriesPerPoint: Double(est.totalEvaluations) / n,
                 meanCosine: mean, stdCosine: std, points: c.count)
    }
  }

  /// The rows as a Markdown table.
  public static func markdownTable(_ rows: [Row]) -> String {
    var s = "| estimator | queries/point | cos(ĝ, ∇f) mean | std |\n|---|---:|---:|---:|\n"
    for r in rows {
      s += "| \(r.estimator) | \(fmt(r.queriesPerPoint, 1)) | \(fmt(r.meanCosine, 3)) | \(fmt(r.stdCosine, 3)) |\n"
    }
    return s
  }

  static func fmt(_ v: Double, _ digits: Int) -> String {
    var p = 1.0
    for _ in 0..<digits { p *= 10 }
    let r = (v * p).rounded() / p
    var s = "\(r)"
    if let dot = s.firstIndex(of: ".") {
      let decimals = s.distance(from: dot, to: s.endIndex) - 1
      if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
    }
    return s
  }
}
