import GauntletCore

/// What an evasion attack aims for.
public enum AttackGoal: Sendable, Hashable, Codable {
  /// Any label other than the true one.
  case untargeted
  /// The given label per sample.
  case targeted([Int32])

  /// The target of sample `i`, or nil when untargeted.
  public func target(_ i: Int) -> Int32? {
    if case let .targeted(t) = self { return t[i] }
    return nil
  }
}

/// One sample's outcome, the same record for white-box, score-based and decision-based attacks.
///
/// Queries are split as ART and Foolbox do not: `lossQueries` are oracle rows spent on the attack's
/// objective (or, for white-box attacks, forward+backward gradient evaluations), `checkQueries` rows
/// spent only on asking "is this adversarial yet?".
public struct SampleResult: Sendable, Codable, Hashable {
  /// Index of the sample in the attacked set.
  public var index: Int
  public var trueLabel: Int32
  /// Label the victim gives `adversarial` (as the attacker last saw it).
  public var finalLabel: Int32
  public var success: Bool
  public var adversarial: [Float]
  public var lossQueries: Int
  public var checkQueries: Int
  /// Norms of `adversarial − original`.
  public var l0: Int
  public var l2: Float
  public var linf: Float
  public var seconds: Double

  public var totalQueries: Int { lossQueries + checkQueries }

  public init(index: Int, trueLabel: Int32, finalLabel: Int32, success: Bool, original: [Float],
              adversarial: [Float], lossQueries: Int, checkQueries: Int, seconds: Double) {
    self.index = index; self.trueLabel = trueLabel; self.finalLabel = finalLabel; self.success = success
    self.adversarial = adversarial; self.lossQueries = lossQueries; self.checkQueries = checkQueries
    self.seconds = seconds
    let n = PerturbationNorms(original: original, adversarial: adversarial)
    self.l0 = n.l0; self.l2 = n.l2; self.linf = n.linf
  }
}

/// L0 / L2 / L∞ of `adversarial − original` (L0 counts entries differing by more than 1e-7).
public struct PerturbationNorms: Sendable, Hashable {
  public var l0: Int
  public var l2: Float
  public var linf: Float

  public init(original: [Float], adversarial: [Float]) {
    var l0 = 0
    var sq: Double = 0
    var mx: Float = 0
    for (a, b) in zip(original, adversarial) {
      let d = Swift.abs(b - a)
      if d > 1e-7 { l0 += 1 }
      sq += Double(d) * Double(d)
      mx = Swift.max(mx, d)
    }
    self.l0 = l0; self.l2 = Float(sq.squareRoot()); self.linf = mx
  }
}

/// Aggregate over an attack run.
public struct AttackSummary: Sendable, Codable, Hashable {
  public var attack: String
  public var backend: String
  public var samples: Int
  public var successRate: Double
  public var meanQueries: Double
  public var medianQueries: Double
  /// Over successful samples only (0 when none succeeded).
  public var meanQueriesOfSuccesses: Double
  public var medianQueriesOfSuccesses: Double
  /// Median norms over successful samples (0 when none).
  public var medianL2: Double
  public var medianLinf: Double
  public var seconds: Double
  public var samplesPerSecond: Double

  public init(attack: String, backend: String, results: [SampleResult], seconds: Double) {
    self.attack = attack; self.backend = backend; self.samples = results.count; self.seconds = seconds
    let ok = results.filter(\.success)
    successRate = results.isEmpty ? 0 : Double(ok.count) / Double(results.count)
    let q = results.map { Double($0.totalQueries) }, qs = ok.map { Double($0.totalQueries) }
    meanQueries = Statistics.mean(q); medianQueries = Statistics.median(q)
    meanQueriesOfSuccesses = Statistics.mean(qs); medianQueriesOfSuccesses = Statistics.median(qs)
    medianL2 = Statistics.median(ok.map { Double($0.l2) })
    medianLinf = Statistics.median(ok.map { Double($0.linf) })
    samplesPerSecond = seconds > 0 ? Double(results.count) / seconds : 0
  }
}

/// A finished run: per-sample records plus their summary.
public struct AttackRun: Sendable, Codable {
  public var summary: AttackSummary
  public var samples: [SampleResult]
  public init(attack: String, backend: String, samples: [SampleResult], seconds: Double) {
    self.samples = samples
    self.summary = AttackSummary(attack: attack, backend: backend, results: samples, seconds: seconds)
  }
}

/// Small helpers for summaries.
public enum Statistics {
  public static func mean(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }
  /// Median (mean of the two middle values for even counts); 0 for an empty list.
  public static func median(_ xs: [Double]) -> Double {
    guard !xs.isEmpty else { return 0 }
    let s = xs.sorted(), m = s.count / 2
    return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
  }
}
