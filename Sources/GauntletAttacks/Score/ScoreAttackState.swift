import Foundation
import GauntletCore
import GauntletOracle

/// Book-keeping shared by the score-based attacks: the originals, per-sample query counters
/// (loss vs success check), the per-sample budget, finished records and timing.
///
/// Every row reaches the oracle through `evaluate`, which attributes it to its sample in the
/// oracle's ledger (`SampleAttribution.perRow`) and in the attack's own counters, so the two agree.
final class ScoreAttackState {
  let session: OracleSession
  let backend: Backend
  let n: Int, d: Int
  let inputShape: [Int]
  let originals: [Float]
  let labels: [Int32]
  let goal: AttackGoal
  let loss: ScoreLoss
  let maxQueries: Int
  let lo: Float, hi: Float
  private(set) var lossQueries: [Int]
  private(set) var checkQueries: [Int]
  private var results: [SampleResult?]
  private let start: ContinuousClock.Instant

  init(session: OracleSession, inputs: Tensor, labels: [Int32], goal: AttackGoal, loss: ScoreLoss,
       maxQueries: Int, attack: String) throws {
    let d = session.featureCount
    guard inputs.backend === session.backend else {
      throw GauntletError.foreignBuffer(operation: attack, expected: session.backend.name, got: inputs.backend.name)
    }
    guard inputs.count == inputs.rows * d, inputs.cols == d else {
      throw GauntletError.shapeMismatch(operation: attack, detail: "inputs \(inputs.shape) do not hold rows of \(session.inputShape)")
    }
    let n = inputs.rows
    guard labels.count == n else {
      throw GauntletError.shapeMismatch(operation: attack, detail: "\(labels.count) labels for \(n) inputs")
    }
    let k = Int32(session.classCount)
    for (i, y) in labels.enumerated() where y < 0 || y >= k {
      throw GauntletError.invalidArgument(name: "labels[\(i)]", detail: "\(y) is outside 0..<\(k)")
    }
    if case let .targeted(t) = goal {
      guard t.count == n else {
        throw GauntletError.shapeMismatch(operation: attack, detail: "\(t.count) targets for \(n) inputs")
      }
      for i in 0..<n where t[i] < 0 || t[i] >= k || t[i] == labels[i] {
        throw GauntletError.invalidArgument(name: "targets[\(i)]",
                                            detail: "\(t[i]) must be a class in 0..<\(k) other than the true label \(labels[i])")
      }
    }
    guard maxQueries >= 1 else {
      throw GauntletError.invalidArgument(name: "maxQueries", detail: "per-sample query budget must be ≥ 1, got \(maxQueries)")
    }
    self.session = session; self.backend = session.backend; self.n = n; self.d = d
    self.inputShape = session.inputShape
    self.originals = try inputs.toArray()
    self.labels = labels; self.goal = goal; self.loss = loss; self.maxQueries = maxQueries
    let bounds = session.inputBounds ?? 0...1
    self.lo = bounds.lowerBound; self.hi = bounds.upperBound
    for (i, v) in originals.enumerated() where v < lo || v > hi {
      throw GauntletError.invalidArgument(name: "inputs",
                                          detail: "sample \(i / d) feature \(i % d) = \(v) lies outside the input box [\(lo), \(hi)]")
    }
    lossQueries = [Int](repeating: 0, count: n)
    checkQueries = [Int](repeating: 0, count: n)
    results = [SampleResult?](repeating: nil, count: n)
    start = ContinuousClock.now
  }

  func target(_ i: Int) -> Int32? { goal.target(i) }
  func original(_ i: Int) -> ArraySlice<Float> { originals[(i * d)..<((i + 1) * d)] }
  func used(_ i: Int) -> Int { lossQueries[i] + checkQueries[i] }
  func remaining(_ i: Int) -> Int { maxQueries - used(i) }
  func isFinished(_ i: Int) -> Bool { results[i] != nil }
  var unfinished: [Int] { (0..<n).filter { results[$0] == nil } }

  /// What the oracle said about a batch of rows.
  struct Evaluation {
    var loss: [Float]
    var success: [Bool]
    var labels: [Int32]
  }

  /// Queries `x` (`[m, d]`), row `r` serving sample `owners[r]`; charges `purpose`.
  func evaluate(_ x: Tensor, owners: [Int], purpose: QueryPurpose) throws -> Evaluation {
    let m = x.rows
    guard owners.count == m, m > 0 else {
      throw GauntletError.shapeMismatch(operation: "score attack query", detail: "\(owners.count) owners for \(m) rows")
    }
    var need = [Int: Int]()
    for o in owners { need[o, default: 0] += 1 }
    for (o, k) in need where k > remaining(o) {
      throw GauntletError.budgetExhausted(client: "\(session.client) sample \(o)", limit: maxQueries, requested: k, used: used(o))
    }
    let answer = try session.query(x, purpose: purpose, samples: .perRow(owners))
    for o in owners {
      if purpose == .successCheck { checkQueries[o] += 1 } else { lossQueries[o] += 1 }
    }
    let z = try ScoreLoss.logProbabilities(answer)
    let k = answer.classCount
    var out = Evaluation(loss: [], success: [], labels: answer.labels)
    out.loss.reserveCapacity(m); out.success.reserveCapacity(m)
    for r in 0..<m {
      let o = owners[r]
      out.loss.append(loss.value(z[(r * k)..<((r + 1) * k)], label: labels[o], target: target(o)))
      if let t = target(o) { out.success.append(answer.labels[r] == t) } else { out.success.append(answer.labels[r] != labels[o]) }
    }
    return out
  }

  /// Queries host rows (`m × d`, row-major).
  func evaluate(host rows: [Float], owners: [Int], purpose: QueryPurpose) throws -> Evaluation {
    try evaluate(Tensor(rows, shape: [owners.count, d], on: backend), owners: owners, purpose: purpose)
  }

  /// Records sample `i`'s outcome (first call wins).
  func finish(_ i: Int, adversarial: [Float], success: Bool, label: Int32) {
    guard results[i] == nil else { return }
    let seconds = elapsed()
    results[i] = SampleResult(index: i, trueLabel: labels[i], finalLabel: label, success: success,
                              original: Array(original(i)), adversarial: adversarial, lossQueries: lossQueries[i],
                              checkQueries: checkQueries[i], seconds: seconds)
  }

  /// The run, once every sample is finished (unfinished ones are recorded as failures at the original).
  func run(attack: String) -> AttackRun {
    for i in 0..<n where results[i] == nil { finish(i, adversarial: Array(original(i)), success: false, label: labels[i]) }
    return AttackRun(attack: attack, backend: backend.name, samples: results.compactMap { $0 }, seconds: elapsed())
  }

  /// Seconds since the attack started.
  func elapsed() -> Double {
    seconds(since: start)
  }

  /// Whether `error` is a query budget refusal (the oracle's or the per-sample one).
  static func isBudgetRefusal(_ error: Error) -> Bool {
    if case .budgetExhausted? = error as? GauntletError { return true }
    return false
  }
}

extension Backend {
  /// Rows `indices` of a `rows × cols` buffer, in a new buffer.
  func gathered(_ b: DeviceBuffer, _ indices: [Int], cols: Int) throws -> DeviceBuffer {
    let out = try makeBuffer(count: max(indices.count * cols, 1))
    if !indices.isEmpty { try gatherRows(b, indices: indices.map { Int32($0) }, cols: cols, into: out) }
    return out
  }
}
