import Foundation
import GauntletCore
import GauntletOracle

/// Stateful detection of black-box evasion attacks (Chen, Carlini & Wagner, "Stateful Detection
/// of Black-Box Adversarial Attacks", ACM AsiaCCS SPAI workshop 2020, arXiv:1907.05587).
///
/// Query-based evasion attacks send long runs of near-identical queries. Per client, the monitor
/// keeps the last `bufferSize` queries; for each new query it takes the mean L2 distance to its
/// `k` nearest buffered queries and flags the client when that mean falls below `threshold`
/// (once the buffer holds `k` queries). On detection the buffer is cleared, as in the paper, so a
/// persistent attacker is flagged again later. Distances are computed on the raw inputs (the
/// paper uses a learned similarity encoder; a deviation, documented). Bounded state:
/// `bufferSize·features` floats per client.
///
/// Pick `threshold` with `calibrate`, as the paper does: the `falsePositiveRate` quantile of
/// benign queries' k-NN distances.
public final class StatefulKNNMonitor: QueryMonitor, @unchecked Sendable {
  // Safe: per-client buffers live in `buffers` (a lock per client); the rest is immutable.
  public let name = "stateful-knn"
  public let k: Int
  public let threshold: Double
  public let bufferSize: Int
  private let buffers = ClientStates { [[Float]]() }

  public init(k: Int = 50, threshold: Double, bufferSize: Int = 1000) throws {
    guard k >= 1, bufferSize >= k else {
      throw GauntletError.invalidArgument(name: "stateful-knn.k", detail: "need 1 ≤ k (\(k)) ≤ bufferSize (\(bufferSize))")
    }
    guard threshold.isFinite, threshold >= 0 else {
      throw GauntletError.invalidArgument(name: "stateful-knn.threshold", detail: "must be finite and ≥ 0, got \(threshold)")
    }
    self.k = k; self.threshold = threshold; self.bufferSize = bufferSize
  }

  public func observe(_ batch: MonitoredBatch) -> [MonitorAlarm] {
    buffers.with(batch.client) { buf in
      var alarms: [MonitorAlarm] = []
      for r in 0..<batch.rows {
        let x = Array(batch.row(r))
        if buf.count >= k {
          let d = Self.meanKNNDistance(x, buf, k: k)
          if d < threshold {
            alarms.append(MonitorAlarm(monitor: name, client: batch.client, queryIndex: batch.firstQueryIndex + r,
                                       time: batch.time, statistic: d,
                                       detail: String(format: "mean distance to %d nearest queries %.4g < %.4g", k, d, threshold)))
            buf.removeAll(keepingCapacity: true)
          }
        }
        buf.append(x)
        if buf.count > bufferSize { buf.removeFirst(buf.count - bufferSize) }
      }
      return alarms
    }
  }

  public func reset(client: String) { buffers.remove(client) }

  /// Floats buffered for `client` (at most `bufferSize × features`).
  public func retainedValues(for client: String) -> Int {
    buffers.peek(client) { $0.reduce(0) { $0 + $1.count } } ?? 0
  }

  /// Mean of the `k` smallest L2 distances from `x` to `rows`.
  static func meanKNNDistance(_ x: [Float], _ rows: [[Float]], k: Int) -> Double {
    var d = rows.map { y -> Double in
      var s: Float = 0
      for i in x.indices { let t = x[i] - y[i]; s += t * t }
      return Double(s).squareRoot()
    }
    let kk = Swift.min(k, d.count)
    guard kk > 0 else { return .infinity }
    d.sort()
    return d.prefix(kk).reduce(0, +) / Double(kk)
  }

  /// The threshold giving about `falsePositiveRate` alarms on benign queries: the quantile of
  /// each benign row's mean distance to its `k` nearest other benign rows (leave-one-out).
  /// `benign` is row-major with `featureCount` features; uses at most `maxRows` rows.
  public static func calibrate(benign: [Float], featureCount: Int, k: Int, falsePositiveRate: Double = 0.001,
                               maxRows: Int = 2000) throws -> Double {
    guard featureCount > 0, benign.count % featureCount == 0 else {
      throw GauntletError.shapeMismatch(operation: "StatefulKNNMonitor.calibrate",
                                        detail: "\(benign.count) values are not rows of \(featureCount) features")
    }
    let n = Swift.min(benign.count / featureCount, maxRows)
    guard n > k, k >= 1 else {
      throw GauntletError.invalidArgument(name: "benign", detail: "need more than k = \(k) benign rows, got \(n)")
    }
    guard falsePositiveRate >= 0, falsePositiveRate < 1 else {
      throw GauntletError.invalidArgument(name: "falsePositiveRate", detail: "must be in [0, 1), got \(falsePositiveRate)")
    }
    let rows = (0..<n).map { Array(benign[($0 * featureCount)..<(($0 + 1) * featureCount)]) }
    var scores: [Double] = []
    for i in 0..<n {
      var others = rows
      others.remove(at: i)
      scores.append(meanKNNDistance(rows[i], others, k: k))
    }
    scores.sort()
    let idx = Swift.min(n - 1, Int((Double(n) * falsePositiveRate).rounded(.down)))
    return scores[idx]
  }
}
