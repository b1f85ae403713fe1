import Foundation
import GauntletCore
import GauntletModels
import GauntletOracle

/// Equation-solving extraction of logistic and softmax regression (Tramèr, Zhang, Juels, Reiter &
/// Ristenpart, "Stealing Machine Learning Models via Prediction APIs", USENIX Security 2016, §4.1).
///
/// The victim is `p = softmax(W·x + b)` (logistic regression is the 2-class case). For every query,
/// `log p_k − mean_j log p_j = (w_k − w̄)·x + (b_k − b̄)`: each confidence row gives `k` linear
/// equations (k − 1 independent) in the `(d+1)·k` unknowns, identifiable up to the softmax gauge (the
/// same vector added to every class). `d + 1` queries in general position therefore give all
/// `(d+1)·k` equations; more queries are solved by least squares. Parameters are returned centered
/// over classes (the gauge fix).
///
/// - `design: .random` queries uniform points of the box (the paper's choice);
///   `.basis` queries the box's low corner and the `d` points one edge away from it.
///
/// ```swift
/// let report = try EquationSolving.run(session: oracle.session(client: "thief"), bounds: 0...1)
/// report.queries            // 65 + validation for 64 features
/// report.maxLogitDifference // ≈ 1e-6
/// ```
public enum EquationSolving {
  /// How the query points are chosen.
  public enum Design: String, Codable, Sendable, Hashable {
    case random, basis
  }

  public struct Options: Sendable, Hashable {
    public var design: Design
    /// Rows solved for with `.random` (≥ d + 1; nil: d + 1). `.basis` always uses d + 1.
    public var queries: Int?
    /// Fresh uniform points queried afterwards to measure the centered-logit difference (0: skip).
    public var validationPoints: Int
    /// The attack's own cap on rows (nil: only the oracle's budget).
    public var maxQueries: Int?
    public var seed: UInt64

    public init(design: Design = .random, queries: Int? = nil, validationPoints: Int = 64,
                maxQueries: Int? = nil, seed: UInt64 = 0) {
      self.design = design; self.queries = queries; self.validationPoints = validationPoints
      self.maxQueries = maxQueries; self.seed = seed
    }
  }

  /// Recovers the victim's weights and biases through `session` (counted queries only).
  ///
  /// - Parameters:
  ///   - bounds: the input box to query (default: the oracle's declared `inputBounds`).
  ///   - reference: the true victim, **for evaluation only** (parameter error): never queried,
  ///     never read by the attack itself.
  /// - Throws: `ExactExtractionError` (label-only or top-k oracle, budget too small, bad options,
  ///   no box), `GauntletError` from the oracle.
  public static func run(session: OracleSession, bounds: ClosedRange<Float>? = nil, options: Options = Options(),
                         reference: Sequential? = nil) throws -> EquationSolvingReport {
    let start = Date()
    let d = session.featureCount, K = session.classCount
    try ExactExtractionError.requireConfidences(session.mode, classCount: K)
    let box = try ExactExtractionError.checkBounds(bounds ?? session.inputBounds)
    let n = options.design == .basis ? d + 1 : (options.queries ?? d + 1)
    guard n >= d + 1 else {
      throw ExactExtractionError.invalidParameter(
        name: "queries", detail: "equation solving needs at least d + 1 = \(d + 1) queries for \(d) features, got \(n)")
    }
    guard options.validationPoints >= 0 else {
      throw ExactExtractionError.invalidParameter(name: "validationPoints", detail: "must be ≥ 0, got \(options.validationPoints)")
    }
    if let cap = options.maxQueries, cap < 1 {
      throw ExactExtractionError.invalidParameter(name: "maxQueries", detail: "must be ≥ 1, got \(cap)")
    }
    let needed = n + options.validationPoints
    let available = Swift.min(options.maxQueries ?? Int.max, session.remaining ?? Int.max)
    guard needed <= available else {
      throw ExactExtractionError.budgetTooSmall(
        needed: needed, available: available,
        detail: "\(n) equation rows (d + 1 = \(d + 1) at the least) + \(options.validationPoints) validation points")
    }
    let reader = try CenteredScoreReader(session: session, cap: available)

    var sampler = BoxSampler(seed: options.seed, stream: 1, bounds: box, d: d)
    var xs: [Float]
    switch options.design {
    case .random:
      xs = sampler.uniform(n)
    case .basis:
      xs = [Float](repeating: box.lowerBound, count: n * d)
      for j in 0..<d { xs[(j + 1) * d + j] = box.upperBound }
    }
    let ys = try reader.scores(xs, stage: "equation solving")

    // [x, 1]·Θ = y, Θ: (d+1) × K.
    var a = [Double](repeating: 1, count: n * (d + 1))
    for r in 0..<n { for j in 0..<d { a[r * (d + 1) + j] = Double(xs[r * d + j]) } }
    let ls = LeastSquares(a: a, rows: n, cols: d + 1, b: ys, rhs: K)
    guard ls.dependent.isEmpty else {
      throw ExactExtractionError.modelMismatch(detail: "the \(n) query points are degenerate (dependent columns \(ls.dependent)); use more queries")
    }
    var w = [Float](repeating: 0, count: K * d), b = [Float](repeating: 0, count: K)
    for k in 0..<K {
      for j in 0..<d { w[k * d + j] = Float(ls.solution[j * K + k]) }
      b[k] = Float(ls.solution[d * K + k])
    }
    let net = ExtractedNetwork(inputCount: d, classCount: K, outputWeights: w, outputBiases: b)
    var residual = 0.0
    let fitted = net.logits(xs)
    for i in 0..<fitted.count { residual = Swift.max(residual, Swift.abs(fitted[i] - ys[i])) }

    var maxDiff: Double? = nil, relDiff: Double? = nil
    if options.validationPoints > 0 {
      let vx = sampler.uniform(options.validationPoints)
      let vy = try reader.scores(vx, stage: "validation", purpose: .successCheck)
      let diff = CenteredDifference(net.logits(vx), vy, classCount: K)
      maxDiff = diff.maxAbs; relDiff = diff.relative
    }
    var parameterError: Double? = nil
    if let reference { parameterError = try softmaxParameterError(net, reference: reference) }
    return EquationSolvingReport(
      design: options.design, inputCount: d, classCount: K, queries: reader.used, equationQueries: n,
      validationQueries: reader.used - n, fitResidual: residual, maxLogitDifference: maxDiff,
      relativeLogitDifference: relDiff, parameterError: parameterError,
      seconds: Date().timeIntervalSince(start), network: net)
  }

  /// Max |Δ| over weights and biases between `net` and a single-Dense `reference`, both centered
  /// over classes (the softmax gauge fix).
  static func softmaxParameterError(_ net: ExtractedNetwork, reference: Sequential) throws -> Double {
    let dense = reference.layers.compactMap { $0 as? Dense }
    guard dense.count == 1, dense[0].inputs == net.inputCount, dense[0].outputs == net.classCount else {
      throw ExactExtractionError.invalidParameter(
        name: "reference", detail: "parameter error needs a softmax-regression reference (one Dense \(net.inputCount) → \(net.classCount)), got \(reference.spec.layers.count) layers")
    }
    let tw = try dense[0].weight.values(), tb = try dense[0].bias.values()
    let d = net.inputCount, K = net.classCount
    var err = 0.0
    for j in 0...d {
      var mt = 0.0, mr = 0.0
      for k in 0..<K {
        mt += Double(j < d ? tw[k * d + j] : tb[k]); mr += Double(j < d ? net.outputWeights[k * d + j] : net.outputBiases[k])
      }
      mt /= Double(K); mr /= Double(K)
      for k in 0..<K {
        let t = Double(j < d ? tw[k * d + j] : tb[k]) - mt
        let r = Double(j < d ? net.outputWeights[k * d + j] : net.outputBiases[k]) - mr
        err = Swift.max(err, Swift.abs(t - r))
      }
    }
    return err
  }
}

/// Max |Δ| between two sets of logit rows after centering each row over classes, and that
/// relative to the largest centered victim logit.
struct CenteredDifference {
  let maxAbs: Double
  let relative: Double

  init(_ stolen: [Double], _ victim: [Double], classCount K: Int) {
    var m = 0.0, scale = 0.0
    for r in 0..<(victim.count / K) {
      var ms = 0.0, mv = 0.0
      for k in 0..<K { ms += stolen[r * K + k]; mv += victim[r * K + k] }
      ms /= Double(K); mv /= Double(K)
      for k in 0..<K {
        let v = victim[r * K + k] - mv
        m = Swift.max(m, Swift.abs(stolen[r * K + k] - ms - v))
        scale = Swift.max(scale, Swift.abs(v))
      }
    }
    maxAbs = m
    relative = scale > 0 ? m / scale : m
  }
}
