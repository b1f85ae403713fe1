import GauntletCore

/// Minimizes a black-box function from function values only: a gradient estimator plus an update
/// rule, run on a batch of independent starting points at once, within a per-point budget of
/// function evaluations and an optional box.
///
/// Each iteration evaluates `f` at the current iterates (1 evaluation per point, used to track
/// the best point and reused by one-sided estimators), estimates the gradient, takes a step and
/// clips to the box. A point leaves the batch as soon as its remaining budget cannot pay for
/// another estimate plus the evaluation of its result, so no point ever exceeds `budget`.
///
/// ```swift
/// let zo = try ZOMinimizer(estimator: RandomDirectionEstimator.nes(sigma: 1e-3, q: 10),
///                          rule: .adaMM(learningRate: 0.05), box: Box(lower: -2, upper: 2))
/// let r = try zo.minimize(f, x0: start, budget: 2_000)
/// r.values        // best f per starting point
/// r.evaluations   // ≤ 2 000 each
/// ```
public struct ZOMinimizer: Sendable {
  public let estimator: any GradientEstimator
  public let rule: ZOUpdateRule
  public let box: Box?
  /// Randomness of the estimator (one derived key per iteration).
  public let key: PhiloxKey

  public init(estimator: any GradientEstimator, rule: ZOUpdateRule, box: Box? = nil,
              key: PhiloxKey = PhiloxKey(seed: 0)) throws {
    try rule.validate()
    self.estimator = estimator; self.rule = rule; self.box = box; self.key = key
  }

  /// Minimizes `f` from every row of `x0` (`[n, f.dimension]`, not modified), spending at most
  /// `budget` evaluations per row.
  public func minimize(_ f: BatchObjective, x0: Tensor, budget: Int) throws -> ZOResult {
    try ZOCheck.positive(budget, "budget")
    try ZOCheck.batch(f, x0, nil, "ZOMinimizer.minimize")
    let be = x0.backend
    let n = x0.rows, d = f.dimension
    try box?.check(dimension: d)
    let perStep = estimator.maxEvaluationsPerPoint(dimension: d, valuesKnown: true)

    var x = try be.makeBuffer(count: max(n * d, 1))
    try be.copy(x0.buffer, srcOffset: 0, to: x, dstOffset: 0, count: n * d)
    try box?.project(x, rows: n, dimension: d, on: be)
    var bestX = try be.makeBuffer(count: max(n * d, 1))
    try be.copy(x, srcOffset: 0, to: bestX, dstOffset: 0, count: n * d)
    let final = try be.makeBuffer(count: max(n * d, 1))
    let state = try ZOUpdateState(rule: rule, rows: n, dim: d, on: be)

    var best = [Float](repeating: .infinity, count: n)
    var evaluations = [Int](repeating: 0, count: n)
    var iterations = [Int](repeating: 0, count: n)
    var trace: [Float] = []
    var active = Array(0..<n)
    var t = 0
    while !active.isEmpty {
      let m = active.count
      // f at the current iterates; keep the best point of each row.
      var fx = try f.evaluate(Tensor(buffer: x, shape: [m, d], on: be), owners: .blocks(rowsPerPoint: 1))
      let fh = try fx.toArray()
      var mask = [Float](repeating: 0, count: m)
      for (i, r) in active.enumerated() {
        evaluations[r] += 1
        guard fh[i].isFinite else {
          throw GauntletError.nonFinite(context: "objective value during minimize (row \(r))", index: r)
        }
        if fh[i] < best[r] { best[r] = fh[i]; mask[i] = 1 }
      }
      let diff = try be.makeBuffer(count: m * d)
      try be.binary(.sub, x, bestX, into: diff, count: m * d)
      try be.broadcast(.mul, diff, be.makeBuffer(mask), into: diff, rows: m, cols: d, axis: .column)
      try be.binary(.add, bestX, diff, into: bestX, count: m * d)
      trace.append(best.reduce(0, +) / Float(n))

      // Rows that cannot pay for another estimate and the evaluation of its result leave.
      let keep = (0..<m).filter { budget - evaluations[active[$0]] >= perStep + 1 }
      if keep.count < m {
        let keepSet = Set(keep)
        for i in 0..<m where !keepSet.contains(i) {
          try be.copy(bestX, srcOffset: i * d, to: final, dstOffset: active[i] * d, count: d)
        }
        let idx = keep.map { Int32($0) }
        guard !idx.isEmpty else { break }
        x = try gather(x, idx, d, be)
        bestX = try gather(bestX, idx, d, be)
        fx = try Tensor(buffer: gather(fx.buffer, idx, 1, be), shape: [idx.count], on: be)
        try state.compact(idx)
        active = keep.map { active[$0] }
      }

      t += 1
      let est = try estimator.estimate(f, at: Tensor(buffer: x, shape: [active.count, d], on: be),
                                       values: fx, key: key.derived(UInt64(t)))
      for (i, r) in active.enumerated() { evaluations[r] += est.evaluations[i]; iterations[r] += 1 }
      try state.apply(gradient: est.gradient.buffer, to: x, t: t)
      try box?.project(x, rows: active.count, dimension: d, on: be)
    }
    return ZOResult(x: try Tensor(buffer: final, shape: [n, d], on: be), values: best,
                    evaluations: evaluations, iterations: iterations, trace: trace)
  }

  private func gather(_ b: DeviceBuffer, _ idx: [Int32], _ cols: Int, _ be: Backend) throws -> DeviceBuffer {
    let out = try be.makeBuffer(count: max(idx.count * cols, 1))
    try be.gatherRows(b, indices: idx, cols: cols, into: out)
    return out
  }
}

/// What `ZOMinimizer.minimize` found.
public struct ZOResult {
  /// `[n, d]`: the best point evaluated for each starting row.
  public var x: Tensor
  /// `f` at `x`, per row.
  public var values: [Float]
  /// Evaluations spent per row (≤ the budget).
  public var evaluations: [Int]
  /// Gradient steps taken per row.
  public var iterations: [Int]
  /// Mean best value over all rows after each iteration's evaluation.
  public var trace: [Float]
}
