import Foundation
import GauntletCore
import GauntletOracle

/// The thief's side of the oracle: sends rows through an `OracleSession` without ever exceeding
/// the attack's budget (nor the deployment's remaining rows), and keeps the transcript — every
/// answered input with the distribution row it was told (or the one-hot label).
final class ThiefLedger {
  let session: OracleSession
  let budget: Int
  let labelsOnly: Bool
  let classCount: Int
  let featureCount: Int
  private(set) var inputs: [Float] = []
  /// Distribution rows (`OracleAnswer.distributionRows`), one-hot when labels only.
  private(set) var targets: [Float] = []
  private(set) var labels: [Int32] = []
  /// Whether any answer carried scores that were used.
  private(set) var usedScores = false
  private(set) var revealed: OutputMode?
  private(set) var stopReason: String?
  private(set) var querySeconds: Double = 0
  /// Largest batch sent at once.
  static let chunk = 4096

  init(session: OracleSession, budget: Int, labelsOnly: Bool) {
    self.session = session; self.budget = budget; self.labelsOnly = labelsOnly
    self.classCount = session.classCount; self.featureCount = session.featureCount
  }

  var used: Int { labels.count }
  /// Rows the thief may still send: its own budget, bounded by the deployment's limit.
  var remaining: Int {
    if stopReason != nil { return 0 }
    let own = budget - used
    if let r = session.remaining { return max(0, min(own, r)) }
    return max(0, own)
  }
  var exhausted: Bool { remaining == 0 }

  /// Queries `rows` (host, row-major), truncated to what the budget allows. Returns the answered
  /// rows' distribution rows and labels (possibly fewer rows than asked; empty when spent).
  @discardableResult
  func ask(_ rows: [Float]) throws -> (dist: [Float], labels: [Int32]) {
    let want = rows.count / featureCount
    var dist: [Float] = [], labs: [Int32] = []
    var start = 0
    while start < want {
      let n = min(Self.chunk, want - start, remaining)
      if n <= 0 {
        if stopReason == nil && used < budget { stopReason = "the deployment's budget ran out after \(used) queries" }
        break
      }
      let slice = Array(rows[(start * featureCount)..<((start + n) * featureCount)])
      let t0 = ContinuousClock.now
      let answer: OracleAnswer
      do {
        answer = try session.query(slice, purpose: .other)
      } catch let GauntletError.budgetExhausted(_, limit, _, used) {
        stopReason = "the oracle refused further queries (limit \(limit), used \(used)): budget exhausted or revoked by a monitor"
        querySeconds += seconds(since: t0)
        break
      }
      querySeconds += seconds(since: t0)
      revealed = answer.mode
      var d: [Float]
      if labelsOnly || answer.mode == .label {
        d = [Float](repeating: 0, count: n * classCount)
        for (r, l) in answer.labels.enumerated() { d[r * classCount + Int(l)] = 1 }
      } else {
        d = try answer.distributionRows()
        usedScores = true
        // Non-finite scores are dropped first; then a row left with nothing (a top-k row that lost
        // everything, a defense that zeroed it, or NaN scores) falls back to the label.
        for i in d.indices where !d[i].isFinite { d[i] = 0 }
        for r in 0..<n where !d[(r * classCount)..<((r + 1) * classCount)].contains(where: { $0 > 0 }) {
          d[r * classCount + Int(answer.labels[r])] = 1
        }
      }
      inputs += slice; targets += d; labels += answer.labels
      dist += d; labs += answer.labels
      start += n
    }
    return (dist, labs)
  }

  /// Records why rows were left unspent, once the attack is over.
  func finish() {
    guard stopReason == nil, used < budget else { return }
    if let r = session.remaining, r == 0 {
      stopReason = "the deployment's budget ran out after \(used) queries"
    } else {
      stopReason = "the attack ended with \(budget - used) rows unspent (thief pool exhausted or an iteration needed more rows than were left)"
    }
  }

  /// The transcript from row `from` on: inputs, target rows and labels.
  func transcript(from: Int = 0) -> (inputs: [Float], targets: [Float], labels: [Int32]) {
    (Array(inputs[(from * featureCount)...]), Array(targets[(from * classCount)...]), Array(labels[from...]))
  }
}
