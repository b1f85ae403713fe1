import Foundation
import GauntletCore
import GauntletModels
import GauntletOracle

/// Structure stealing and functionally-equivalent extraction of a one-hidden-layer ReLU network
/// `z = A·relu(W·x + b) + c` through a black-box oracle that reveals logits or probabilities.
///
/// 1. **Critical points** on random lines through the input box (Carlini, Jagielski & Mironov,
///    "Cryptanalytic Extraction of Neural Network Models", CRYPTO 2020; Rolnick & Kording,
///    "Reverse-Engineering Deep ReLU Networks", ICML 2020): see `CriticalPointSearch`.
/// 2. **Hyperplanes**: critical points grouped by hidden unit, each unit's first-layer row and bias
///    recovered up to scale, permutation and sign: see `HyperplaneRecovery`. The number of
///    hyperplanes is the recovered hidden width (units whose hyperplane never crosses the box are
///    invisible: dead ones do nothing there; always-on ones are linear there and are kept as
///    linear units).
/// 3. **Output layer and signs** by least squares on queried logits (Jagielski, Carlini, Berthelot,
///    Kurakin & Papernot, "High Accuracy and High Fidelity Extraction of Neural Networks", USENIX
///    Security 2020): see `OutputLayerFit`.
/// 4. **Validation** on fresh uniform points of the box through the oracle (purpose
///    `.successCheck`): max |Δ centered logit|.
///
/// Everything goes through the `OracleSession` (every row counted); the optional `reference` is
/// read only afterwards, to fill the report's evaluation fields (true width, weight cosines).
///
/// ```swift
/// let oracle = try Oracle(model: victim, configuration: OracleConfiguration(mode: .logits, inputBounds: 0...1))
/// let report = try StructureStealing.run(session: oracle.session(client: "thief"), reference: victim)
/// report.architecture          // "mlp:64-16-10"
/// report.relativeLogitDifference   // ≈ 1e-6
/// ```
public enum StructureStealing {
  public struct Options: Sendable, Hashable {
    /// Random lines searched for critical points (each between two random vertices of the box).
    public var lines: Int
    /// Cells each line starts with (equal parts, queried at once).
    public var initialCells: Int
    /// Bisection stops at cells this narrow (fraction of the line).
    public var minWidth: Double
    /// Noise tolerance on centered logits; nil: calibrated from the oracle (`noiseFactor ×` the
    /// spread of second differences on short segments).
    public var tolerance: Double?
    public var noiseFactor: Double
    /// Finite-difference step for the Jacobian jumps, as a fraction of the box width.
    public var step: Double
    /// Jumps at least this parallel (cosine) are tried as one unit.
    public var clusterCosine: Double
    /// A critical point within this distance (fraction of the box width) of a unit's hyperplane
    /// belongs to it.
    public var planeTolerance: Double
    /// Each hyperplane is followed (short lines across it) until it holds this many critical
    /// points (1, the default: no following; the Jacobian normal and the line points already
    /// pin the rows to |cos| ≥ 0.999998 on the digits victims).
    public var minMembers: Int
    /// Fresh uniform points for the output-layer solve (nil: hidden + inputs + 1 + 64), on top of
    /// re-used search samples.
    public var fitPoints: Int?
    /// Fresh uniform points queried to measure the logit difference (0: skip).
    public var validationPoints: Int
    /// The attack's own cap on rows (nil: only the oracle's budget).
    public var maxQueries: Int?
    public var seed: UInt64

    public init(lines: Int = 48, initialCells: Int = 16, minWidth: Double = 1.0 / 1024, tolerance: Double? = nil,
                noiseFactor: Double = 16, step: Double = 1e-2, clusterCosine: Double = 0.999,
                planeTolerance: Double = 0.02, minMembers: Int = 1, fitPoints: Int? = nil, validationPoints: Int = 256,
                maxQueries: Int? = nil, seed: UInt64 = 0) {
      self.lines = lines; self.initialCells = initialCells; self.minWidth = minWidth; self.tolerance = tolerance
      self.noiseFactor = noiseFactor; self.step = step; self.clusterCosine = clusterCosine
      self.planeTolerance = planeTolerance; self.minMembers = minMembers; self.fitPoints = fitPoints; self.validationPoints = validationPoints
      self.maxQueries = maxQueries; self.seed = seed
    }

    func validate() throws {
      func bad(_ name: String, _ detail: String) -> ExactExtractionError { .invalidParameter(name: name, detail: detail) }
      guard lines >= 1 else { throw bad("lines", "must be ≥ 1, got \(lines)") }
      guard initialCells >= 1 else { throw bad("initialCells", "must be ≥ 1, got \(initialCells)") }
      guard minWidth.isFinite, minWidth > 0, minWidth < 1 else { throw bad("minWidth", "must lie in (0, 1), got \(minWidth)") }
      if let t = tolerance, !(t.isFinite && t > 0) { throw bad("tolerance", "must be finite and > 0, got \(t)") }
      guard noiseFactor.isFinite, noiseFactor >= 1 else { throw bad("noiseFactor", "must be finite and ≥ 1, got \(noiseFactor)") }
      guard step.isFinite, step > 0, step < 0.5 else { throw bad("step", "must lie in (0, 0.5), got \(step)") }
      guard clusterCosine.isFinite, clusterCosine > 0, clusterCosine < 1 else {
        throw bad("clusterCosine", "must lie in (0, 1), got \(clusterCosine)")
      }
      guard planeTolerance.isFinite, planeTolerance > 0 else { throw bad("planeTolerance", "must be finite and > 0, got \(planeTolerance)") }
      guard minMembers >= 1 else { throw bad("minMembers", "must be ≥ 1, got \(minMembers)") }
      if let f = fitPoints, f < 0 { throw bad("fitPoints", "must be ≥ 0, got \(f)") }
      guard validationPoints >= 0 else { throw bad("validationPoints", "must be ≥ 0, got \(validationPoints)") }
      if let c = maxQueries, c < 1 { throw bad("maxQueries", "must be ≥ 1, got \(c)") }
    }

    /// The fewest rows a run can take for `d` features: noise calibration, the lines' first
    /// samples, one Jacobian jump, the output-layer solve and the validation.
    public func minimumQueries(inputCount d: Int) -> Int {
      (tolerance == nil ? 3 * calibrationTriples : 0) + lines * (initialCells + 1) + 2 * (d + 1)
        + (fitPoints ?? (d + 2 + 64)) + validationPoints
    }
  }

  static let calibrationTriples = 32

  /// Runs the attack through `session` (see the type's documentation).
  ///
  /// - Parameters:
  ///   - bounds: the input box (default: the oracle's declared `inputBounds`).
  ///   - reference: the true victim, **for evaluation only** (never queried by the attack).
  /// - Throws: `ExactExtractionError` (label-only / top-k oracle, budget too small, bad options,
  ///   no box, nothing found), `GauntletError` from the oracle.
  public static func run(session: OracleSession, bounds: ClosedRange<Float>? = nil, options: Options = Options(),
                         reference: Sequential? = nil) throws -> StructureStealingReport {
    let start = Date()
    try options.validate()
    let d = session.featureCount, K = session.classCount
    try ExactExtractionError.requireConfidences(session.mode, classCount: K)
    let box = try ExactExtractionError.checkBounds(bounds ?? session.inputBounds)
    let available = Swift.min(options.maxQueries ?? Int.max, session.remaining ?? Int.max)
    let needed = options.minimumQueries(inputCount: d)
    guard needed <= available else {
      throw ExactExtractionError.budgetTooSmall(
        needed: needed, available: available,
        detail: "\(options.lines) lines × \(options.initialCells + 1) first samples, a Jacobian jump, the output-layer solve and \(options.validationPoints) validation points")
    }
    let reader = try CenteredScoreReader(session: session, cap: available)
    let width = Double(box.upperBound - box.lowerBound)
    var stages: [String: Int] = [:]
    var mark = 0
    func stage(_ name: String) { stages[name] = reader.used - mark; mark = reader.used }

    // Lines between random vertices of the box, each vertex with its own density of upper
    // corners (so the lines reach the box's faces and corners, not only its centre).
    var sampler = BoxSampler(seed: options.seed, stream: 2, bounds: box, d: d)
    var lines: [ProbeLine] = []
    for _ in 0..<options.lines {
      let p = sampler.vertex(density: sampler.rng.unit()).map(Double.init)
      var q = sampler.vertex(density: sampler.rng.unit()).map(Double.init)
      if q == p { q = p.map { $0 == Double(box.lowerBound) ? Double(box.upperBound) : Double(box.lowerBound) } }
      lines.append(ProbeLine(p: p, u: (0..<d).map { q[$0] - p[$0] }))
    }

    let tolerance = try options.tolerance ?? calibrateNoise(reader: reader, sampler: &sampler, box: box, factor: options.noiseFactor)
    stage("noise calibration")

    var search = CriticalPointSearch(lines: lines, initialCells: options.initialCells, minWidth: options.minWidth,
                                     tolerance: tolerance, bounds: box)
    let points = try search.run(reader: reader)
    stage("critical points")
    guard !points.isEmpty else {
      throw ExactExtractionError.modelMismatch(
        detail: "no critical point on \(options.lines) lines: the outputs look linear in the box (softmax regression? then use equation solving) or too noisy (tolerance \(tolerance))")
    }

    let recovery = HyperplaneRecovery(lines: lines, tolerance: tolerance, step: options.step * width,
                                      clusterCosine: options.clusterCosine, planeTolerance: options.planeTolerance * width,
                                      bounds: box)
    var planes = try recovery.run(points, reader: reader)
    stage("hyperplanes")
    if options.minMembers > 1 {
      planes = try HyperplaneFollowing(recovery: recovery, minMembers: options.minMembers, tolerance: tolerance,
                                       clusterCosine: options.clusterCosine, bounds: box, seed: options.seed)
        .run(planes, reader: reader)
      stage("hyperplane following")
    }

    // Output layer: fresh points + re-used search samples.
    let h = planes.count
    let fresh = options.fitPoints ?? (h + d + 1 + 64)
    var fitRows = sampler.uniform(fresh)
    var fitScores = try reader.scores(fitRows, stage: "output-layer fit")
    stage("output layer")
    let reuse = Swift.min(search.sampleRows.count / d, 4 * (h + d + 1))
    if reuse > 0 {
      var rng = HostRandom(key: PhiloxKey(seed: options.seed).derived(3))
      let total = search.sampleRows.count / d
      for r in rng.permutation(total).prefix(reuse) {
        fitRows += search.sampleRows[(r * d)..<((r + 1) * d)]
        fitScores += search.sampleScores[(r * K)..<((r + 1) * K)]
      }
    }
    let fit = OutputLayerFit(lo: box.lowerBound, noise: tolerance)
      .fit(planes: planes, rows: fitRows, scores: fitScores, d: d, K: K)

    var maxDiff: Double? = nil, relDiff: Double? = nil
    if options.validationPoints > 0 {
      let vx = sampler.uniform(options.validationPoints)
      let vy = try reader.scores(vx, stage: "validation", purpose: .successCheck)
      let diff = CenteredDifference(fit.network.logits(vx), vy, classCount: K)
      maxDiff = diff.maxAbs; relDiff = diff.relative
      stage("validation")
    }
    var report = StructureStealingReport(
      inputCount: d, classCount: K, recoveredWidth: h - fit.dropped, linearUnits: fit.linearUnits,
      architecture: fit.network.architecture, lines: options.lines, criticalPoints: points.count,
      noiseTolerance: tolerance, fitResidual: fit.fitResidual, signAmbiguity: fit.signAmbiguity,
      maxLogitDifference: maxDiff, relativeLogitDifference: relDiff, queries: reader.used,
      queriesByStage: stages, seconds: 0, network: fit.network)
    if let reference { try report.evaluate(against: reference, bounds: box) }
    report.seconds = Date().timeIntervalSince(start)
    return report
  }

  /// `factor ×` the 75th percentile of `max_k |y(x) − 2y(x+εv) + y(x+2εv)|` over short random
  /// segments (linear almost surely), floored at 1e-9.
  static func calibrateNoise(reader: CenteredScoreReader, sampler: inout BoxSampler, box: ClosedRange<Float>,
                             factor: Double) throws -> Double {
    let d = reader.featureCount, K = reader.classCount
    let lo = box.lowerBound, w = box.upperBound - box.lowerBound
    let n = calibrationTriples
    var rows = [Float](repeating: 0, count: 3 * n * d)
    let centers = sampler.uniform(n)
    for s in 0..<n {
      var v = (0..<d).map { _ in sampler.rng.unit() - 0.5 }
      let vn = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      v = v.map { $0 / Swift.max(vn, 1e-6) * 1e-3 * w }
      for j in 0..<d {
        let x = lo + 0.1 * w + 0.8 * (centers[s * d + j] - lo)
        for r in 0..<3 { rows[(3 * s + r) * d + j] = x + Float(r) * v[j] }
      }
    }
    let y = try reader.scores(rows, stage: "noise calibration")
    var devs: [Double] = []
    for s in 0..<n {
      var m = 0.0
      for k in 0..<K { m = Swift.max(m, Swift.abs(y[(3 * s) * K + k] - 2 * y[(3 * s + 1) * K + k] + y[(3 * s + 2) * K + k])) }
      devs.append(m)
    }
    devs.sort()
    return Swift.max(factor * devs[(3 * n) / 4], 1e-9)
  }
}
