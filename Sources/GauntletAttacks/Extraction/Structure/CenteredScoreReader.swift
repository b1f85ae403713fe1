import Foundation
import GauntletCore
import GauntletOracle

/// Reads the victim through an `OracleSession` as **centered log-scores**: for each row,
/// `y = s − mean(s)` where `s` is the logit row (logits mode) or `log p` (probabilities, or top-k
/// with k = all classes). Both equal the model's logits `z − mean(z)`, because `log p = z − lse(z)`:
/// the softmax gauge (a per-row constant) is removed, and what is left is exactly piecewise linear
/// in the input for a ReLU network, linear for softmax regression.
///
/// Counts every row it sends and refuses a batch that would cross `cap` (before it reaches the
/// oracle), so an attack never overspends its own budget.
final class CenteredScoreReader {
  let session: OracleSession
  let cap: Int
  let classCount: Int
  let featureCount: Int
  private(set) var used = 0

  init(session: OracleSession, cap: Int) throws {
    try ExactExtractionError.requireConfidences(session.mode, classCount: session.classCount)
    self.session = session
    self.cap = cap
    self.classCount = session.classCount
    self.featureCount = session.featureCount
  }

  /// Queries `rows` (row-major, `featureCount` per row) and returns `rows × classCount` centered
  /// log-scores in Double.
  func scores(_ rows: [Float], stage: String, purpose: QueryPurpose = .other) throws -> [Double] {
    let n = rows.count / featureCount
    guard n > 0 else { return [] }
    guard used + n <= cap else { throw ExactExtractionError.budgetExhausted(stage: stage, used: used, cap: cap) }
    let answer = try session.query(rows, purpose: purpose)
    used += n
    guard answer.mode != .label else { throw ExactExtractionError.needsConfidences(mode: answer.mode.description) }
    let raw = try answer.scoreArray()
    let K = classCount
    var out = [Double](repeating: 0, count: n * K)
    let isLogits = answer.mode == .logits
    let floor = Double(Float.leastNormalMagnitude)
    for r in 0..<n {
      var mean = 0.0
      for k in 0..<K {
        let v = Double(raw[r * K + k])
        let s = isLogits ? v : Foundation.log(Swift.max(v, floor))
        guard s.isFinite else { throw GauntletError.nonFinite(context: "oracle answer (\(stage))", index: r * K + k) }
        out[r * K + k] = s
        mean += s
      }
      mean /= Double(K)
      for k in 0..<K { out[r * K + k] -= mean }
    }
    return out
  }
}
