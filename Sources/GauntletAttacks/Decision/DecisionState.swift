import Foundation
import GauntletCore
import GauntletOracle

/// Book-keeping shared by the decision-based attacks: label-only queries with per-sample
/// accounting and budgets, the current adversarial point and its distance per sample, the shared
/// initial search and binary search to the boundary.
///
/// `labels(_:owners:purpose:)` is the only way to the oracle and reads nothing but
/// `OracleAnswer.labels`.
final class DecisionState {
  let session: OracleSession
  let backend: Backend
  let n: Int, d: Int
  let inputShape: [Int]
  let originals: [Float]
  let labels: [Int32]
  let maxQueries: Int
  let norm: Norm
  let epsilon: Float?
  let lo: Float, hi: Float
  private(set) var lossQueries: [Int]
  private(set) var checkQueries: [Int]
  private var results: [SampleResult?]
  /// Current adversarial point per sample (valid where `hasStart`).
  var adv: [Float]
  var advLabel: [Int32]
  var dist: [Float]
  var hasStart: [Bool]
  /// The closest adversarial point seen per sample (what the result reports).
  private var best: [Float]
  private var bestLabel: [Int32]
  private var bestDist: [Float]
  private let start: ContinuousClock.Instant

  init(session: OracleSession, inputs: Tensor, labels: [Int32], goal: AttackGoal, maxQueries: Int,
       norm: Norm, epsilon: Float?, attack: String) throws {
    guard goal == .untargeted else {
      throw GauntletError.unsupported(operation: "\(attack) with a targeted goal (decision-based attacks here are untargeted)", backend: "any")
    }
    let d = session.featureCount
    guard inputs.backend === session.backend else {
      throw GauntletError.foreignBuffer(operation: attack, expected: session.backend.name, got: inputs.backend.name)
    }
    guard inputs.shape.count >= 2, inputs.cols == d else {
      throw GauntletError.shapeMismatch(operation: attack, detail: "inputs \(inputs.shape) do not hold rows of \(session.inputShape)")
    }
    let n = inputs.rows
    try AttackInputCheck.labels(labels, n: n, classes: session.classCount, goal: goal, attack: attack)
    guard maxQueries >= 1 else {
      throw GauntletError.invalidArgument(name: "maxQueries", detail: "per-sample query budget must be ≥ 1, got \(maxQueries)")
    }
    self.session = session; self.backend = session.backend; self.n = n; self.d = d
    self.inputShape = session.inputShape
    self.originals = try inputs.toArray()
    self.labels = labels; self.maxQueries = maxQueries; self.norm = norm; self.epsilon = epsilon
    let b = session.inputBounds ?? 0...1
    self.lo = b.lowerBound; self.hi = b.upperBound
    try AttackInputCheck.inBox(originals, d: d, lo: lo, hi: hi)
    lossQueries = [Int](repeating: 0, count: n)
    checkQueries = [Int](repeating: 0, count: n)
    results = [SampleResult?](repeating: nil, count: n)
    adv = originals; advLabel = labels
    dist = [Float](repeating: .infinity, count: n)
    hasStart = [Bool](repeating: false, count: n)
    best = originals; bestLabel = labels
    bestDist = [Float](repeating: .infinity, count: n)
    start = ContinuousClock.now
  }

  func original(_ i: Int) -> ArraySlice<Float> { originals[(i * d)..<((i + 1) * d)] }
  func current(_ i: Int) -> ArraySlice<Float> { adv[(i * d)..<((i + 1) * d)] }
  func remaining(_ i: Int) -> Int { maxQueries - lossQueries[i] - checkQueries[i] }
  func isFinished(_ i: Int) -> Bool { results[i] != nil }
  var unfinished: [Int] { (0..<n).filter { results[$0] == nil } }

  private var noiseCounter: UInt64 = 0

  /// `count` draws from the backend's Philox generator (one device call; bit-identical on every
  /// backend), continuing the stream of `key` across calls.
  func noise(_ distribution: Distribution, count: Int, key: PhiloxKey) throws -> [Float] {
    guard count > 0 else { return [] }
    let buffer = try backend.makeBuffer(count: count)
    try backend.random(distribution, key: key, counter: noiseCounter, into: buffer, count: count)
    noiseCounter &+= UInt64((count + 3) / 4)
    return try backend.download(buffer, offset: 0, count: count)
  }

  /// Label-only query of host rows; row `r` serves sample `owners[r]`. Returns, per row, whether it
  /// is adversarial, and its label. The caller keeps within each sample's budget.
  func labels(_ rows: [Float], owners: [Int], purpose: QueryPurpose) throws -> (adv: [Bool], labels: [Int32]) {
    guard !owners.isEmpty else { return ([], []) }
    var need = [Int: Int]()
    for o in owners { need[o, default: 0] += 1 }
    for (o, k) in need where k > remaining(o) {
      throw GauntletError.budgetExhausted(client: "\(session.client) sample \(o)", limit: maxQueries, requested: k,
                                          used: maxQueries - remaining(o))
    }
    let answer = try session.query(Tensor(rows, shape: [owners.count, d], on: backend), purpose: purpose,
                                   samples: .perRow(owners))
    for o in owners { if purpose == .successCheck { checkQueries[o] += 1 } else { lossQueries[o] += 1 } }
    let l = answer.labels
    return ((0..<owners.count).map { l[$0] != labels[owners[$0]] }, l)
  }

  /// Sets sample `i`'s adversarial point (remembering the closest one) and finishes it as a
  /// success when within ε.
  func accept(_ i: Int, _ x: [Float], label: Int32) {
    adv.replaceSubrange((i * d)..<((i + 1) * d), with: x)
    advLabel[i] = label
    dist[i] = Vec.distance(x[...], original(i), norm)
    hasStart[i] = true
    if dist[i] < bestDist[i] {
      bestDist[i] = dist[i]; bestLabel[i] = label
      best.replaceSubrange((i * d)..<((i + 1) * d), with: x)
    }
    if let e = epsilon, dist[i] <= e { finish(i) }
  }

  /// Records sample `i`'s closest adversarial point (the original when none; first call wins).
  func finish(_ i: Int) {
    guard results[i] == nil else { return }
    let found = bestDist[i].isFinite
    let ok = found && (epsilon.map { bestDist[i] <= $0 } ?? true)
    results[i] = SampleResult(index: i, trueLabel: labels[i], finalLabel: found ? bestLabel[i] : labels[i], success: ok,
                              original: Array(original(i)), adversarial: Array(best[(i * d)..<((i + 1) * d)]),
                              lossQueries: lossQueries[i], checkQueries: checkQueries[i], seconds: elapsed())
  }

  func run(attack: String) -> AttackRun {
    for i in 0..<n { finish(i) }
    return AttackRun(attack: attack, backend: backend.name, samples: results.compactMap { $0 }, seconds: elapsed())
  }

  func elapsed() -> Double {
    seconds(since: start)
  }

  // MARK: - Shared phases

  /// Checks the originals (one query each: an already misclassified one is a success at δ = 0),
  /// then draws uniform points of the box, one per sample per round, for up to `tries` rounds,
  /// and binary-searches each first adversarial draw towards the original. Samples with no start
  /// when their budget or the tries run out are finished as failures.
  func initialize(tries: Int, seed: UInt64, threshold: Float) throws {
    let all = Array(0..<n)
    let first = try labels(originals, owners: all, purpose: .successCheck)
    for i in all where first.adv[i] { accept(i, Array(original(i)), label: first.labels[i]); finish(i) }
    var rngs = (0..<n).map { HostRandom(key: PhiloxKey(seed: seed ^ 0x5EED).derived(UInt64($0))) }
    var need = unfinished.filter { !hasStart[$0] }
    var found = [Int]()
    for _ in 0..<tries where !need.isEmpty {
      need = need.filter { remaining($0) >= 1 }
      guard !need.isEmpty else { break }
      var rows = [Float](); rows.reserveCapacity(need.count * d)
      for i in need { for _ in 0..<d { rows.append(lo + (hi - lo) * rngs[i].unit()) } }
      let a = try labels(rows, owners: need, purpose: .successCheck)
      var still = [Int]()
      for (r, i) in need.enumerated() {
        if a.adv[r] {
          adv.replaceSubrange((i * d)..<((i + 1) * d), with: rows[(r * d)..<((r + 1) * d)])
          advLabel[i] = a.labels[r]; hasStart[i] = true
          dist[i] = Vec.distance(rows[(r * d)..<((r + 1) * d)], original(i), norm)
          found.append(i)
        } else { still.append(i) }
      }
      need = still
    }
    for i in unfinished where !hasStart[i] { finish(i) }
    try binarySearch(found.filter { !isFinished($0) }, towards: nil, threshold: threshold)
  }

  /// Binary search on the segment from the original to `towards[i]` (or the current point):
  /// `(1−α)·x₀ + α·x` for L2, `clip(x, x₀ − α, x₀ + α)` for L∞; the far end must be adversarial.
  /// Stops at `high − low ≤ threshold` (relative to the segment for L2, as ART's HopSkipJump does;
  /// `min(threshold·‖x−x₀‖∞, threshold)` for L∞) or when a sample's budget runs out, and accepts
  /// the adversarial end (`high`) — with `onlyIfCloser`, only when it is closer than the point held.
  func binarySearch(_ ids: [Int], towards: [Int: (x: [Float], label: Int32)]?, threshold: Float,
                    onlyIfCloser: Bool = false) throws {
    guard !ids.isEmpty else { return }
    var far = [Int: [Float]](), farLabel = [Int: Int32]()
    var low = [Int: Float](), high = [Int: Float](), thr = [Int: Float]()
    for i in ids {
      let x = towards?[i]?.x ?? Array(current(i))
      far[i] = x; farLabel[i] = towards?[i]?.label ?? advLabel[i]
      if norm == .l2 { low[i] = 0; high[i] = 1; thr[i] = threshold } else {
        let u = Vec.distance(x[...], original(i), .linf)
        low[i] = 0; high[i] = u; thr[i] = min(u * threshold, threshold)
      }
    }
    var active = ids
    while true {
      active = active.filter { high[$0]! - low[$0]! > thr[$0]! && remaining($0) >= 1 }
      if active.isEmpty { break }
      var rows = [Float](); rows.reserveCapacity(active.count * d)
      for i in active { rows += interpolate(i, far[i]!, (low[i]! + high[i]!) / 2) }
      let a = try labels(rows, owners: active, purpose: .successCheck)
      for (r, i) in active.enumerated() {
        let mid = (low[i]! + high[i]!) / 2
        if a.adv[r] { high[i] = mid; farLabel[i] = a.labels[r] } else { low[i] = mid }
      }
    }
    for i in ids {
      let x = interpolate(i, far[i]!, high[i]!)
      if onlyIfCloser && hasStart[i] && Vec.distance(x[...], original(i), norm) > dist[i] { continue }
      accept(i, x, label: farLabel[i]!)
    }
  }

  /// The point at `alpha` on sample `i`'s search segment towards `x`.
  func interpolate(_ i: Int, _ x: [Float], _ alpha: Float) -> [Float] {
    let b = i * d
    switch norm {
    case .l2: return (0..<d).map { Vec.clip((1 - alpha) * originals[b + $0] + alpha * x[$0], lo, hi) }
    case .linf: return (0..<d).map { Vec.clip(x[$0], originals[b + $0] - alpha, originals[b + $0] + alpha) }
    }
  }

  /// Whether a refusal came from a budget (the oracle's or the per-sample one).
  static func isBudgetRefusal(_ error: Error) -> Bool {
    if case .budgetExhausted? = error as? GauntletError { return true }
    return false
  }
}
