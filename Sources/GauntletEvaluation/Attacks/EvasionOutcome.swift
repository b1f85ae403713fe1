import GauntletAttacks
import GauntletCore

/// Metrics of any evasion run (score-based, white-box, decision-based), shared by their adapters:
/// success as the attacker saw it and as the undefended victim labels the adversarials, robust
/// accuracy, queries, norms, success at each budget, the success-vs-queries curve and image samples.
enum EvasionOutcome {
  /// `radius`: the threat model's ball (`l2` or `linf`, ε); an adversarial outside it is not a
  /// true success even when misclassified (decision-based attacks may return one).
  static func make(spec: String, run: AttackRun, originals: [[Float]], labels: [Int32], budgets: [Int],
                   radius: (norm: String, eps: Double)? = nil, context: CellContext) throws -> CellOutcome {
    let s = run.summary
    let adversarials = run.samples.map(\.adversarial)
    let model = context.victim.model
    let adv = try Tensor(adversarials.flatMap { $0 }, shape: [adversarials.count] + model.inputShape, on: context.backend)
    let truth = try model.predictions(adv)
    let trueSuccess = run.samples.indices.filter { i in
      guard Int32(truth[i]) != labels[i] else { return false }
      guard let (norm, eps) = radius else { return true }
      let size = norm == "l2" ? Double(run.samples[i].l2) : Double(run.samples[i].linf)
      return size <= eps * (1 + 1e-4) + 1e-6
    }.count
    let n = Double(max(run.samples.count, 1))
    let sorted = budgets.sorted()
    let maxBudget = sorted.last ?? run.samples.map(\.totalQueries).max() ?? 0
    var metrics: [String: Double] = [
      "samples": Double(run.samples.count), "successRate": s.successRate,
      "trueSuccessRate": Double(trueSuccess) / n,
      "meanQueries": s.meanQueries, "medianQueries": s.medianQueries,
      "medianQueriesOfSuccesses": s.medianQueriesOfSuccesses, "medianL2": s.medianL2, "medianLinf": s.medianLinf,
      "cleanAccuracy": context.victim.cleanAccuracy,
      "robustAccuracy": context.victim.cleanAccuracy * (1 - Double(trueSuccess) / n),
    ]
    if !sorted.isEmpty { metrics["maxBudget"] = Double(maxBudget) }
    for b in sorted {
      metrics["successAt\(b)"] = Double(run.samples.filter { $0.success && $0.totalQueries <= b }.count) / n
    }
    let rows = run.samples.reduce(0) { $0 + $1.totalQueries }
    metrics["totalQueries"] = Double(rows)
    return CellOutcome(spec: spec, metrics: metrics, curve: sorted.isEmpty ? [] : curve(run.samples, maxBudget: maxBudget),
                       images: ImageTriples.square(originals: originals, adversarials: adversarials, count: context.imageSamples),
                       rows: rows)
  }

  /// Fraction of samples successful within q queries, at 24 evenly spaced q up to the budget.
  static func curve(_ samples: [SampleResult], maxBudget: Int) -> [CurvePoint] {
    let n = Double(max(samples.count, 1))
    return (0...24).map { i in
      let q = Double(maxBudget) * Double(i) / 24
      return CurvePoint(x: q, y: Double(samples.filter { $0.success && Double($0.totalQueries) <= q }.count) / n)
    }
  }
}
