import Foundation
import GauntletCore
import GauntletOracle

/// A monitor's two numbers: how fast it catches attack traffic and how often it flags honest users.
public struct DetectionReport: Sendable, Hashable, Codable, CustomStringConvertible {
  public let monitor: String
  /// Rows in the attack stream.
  public let attackQueries: Int
  /// Queries answered to the attacker when it was first flagged (alarm index + 1); nil: never.
  public let detectionDelay: Int?
  public let benignStreams: Int
  public let benignQueriesPerStream: Int
  /// Benign streams flagged at least once.
  public let benignFlagged: Int
  /// Alarms raised on all benign streams together.
  public let benignAlarms: Int
  /// `benignFlagged / benignStreams`: the fraction of honest clients wrongly flagged.
  public var falsePositiveRate: Double { benignStreams == 0 ? 0 : Double(benignFlagged) / Double(benignStreams) }
  /// Benign alarms per benign query (the per-query rate Chen et al. calibrate against).
  public var falseAlarmsPerQuery: Double {
    let q = benignStreams * benignQueriesPerStream
    return q == 0 ? 0 : Double(benignAlarms) / Double(q)
  }

  public var description: String {
    let d = detectionDelay.map { "detected after \($0) of \(attackQueries) queries" } ?? "not detected in \(attackQueries) queries"
    return "\(monitor): \(d); false positives \(benignFlagged)/\(benignStreams) benign streams of \(benignQueriesPerStream) queries"
  }
}

/// Measures detection delay on attack traffic and false-positive rate on benign traffic.
public enum MonitorEvaluation {
  /// Sends the `attack` stream as one client and each `benign` stream as its own client through an
  /// oracle deploying `model` (label answers) with the monitor `makeMonitor()` builds, in batches
  /// of `batchSize` rows, advancing the simulated clock by `attackInterval` / `benignInterval`
  /// seconds per row. Streams are row-major with the model's feature count.
  ///
  /// ```swift
  /// let report = try MonitorEvaluation.evaluate(makeMonitor: { try PRADAMonitor(delta: 0.9) }, model: victim,
  ///   attack: syntheticQueries, benign: MonitorEvaluation.benignStreams(from: test.features, featureCount: 64,
  ///   count: 20, length: 500, seed: 1))
  /// ```
  public static func evaluate(makeMonitor: () throws -> any QueryMonitor, model: any Classifier,
                              attack: [Float], benign: [[Float]], batchSize: Int = 1,
                              attackInterval: Double = 1, benignInterval: Double = 1) throws -> DetectionReport {
    guard batchSize >= 1 else {
      throw GauntletError.invalidArgument(name: "batchSize", detail: "must be ≥ 1, got \(batchSize)")
    }
    let monitor = try makeMonitor()
    let clock = SimulatedClock()
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(mode: .label, monitors: [monitor], clock: clock))
    let F = oracle.featureCount
    func send(_ stream: [Float], client: String, interval: Double) throws {
      guard stream.count % F == 0 else {
        throw GauntletError.shapeMismatch(operation: "MonitorEvaluation", detail: "stream of \(stream.count) values is not rows of \(F) features")
      }
      let rows = stream.count / F
      var start = 0
      while start < rows {
        let m = Swift.min(batchSize, rows - start)
        _ = try oracle.query(Array(stream[(start * F)..<((start + m) * F)]), client: client)
        clock.advance(by: interval * Double(m))
        start += m
      }
    }
    try send(attack, client: "attacker", interval: attackInterval)
    for (i, s) in benign.enumerated() { try send(s, client: "benign-\(i)", interval: benignInterval) }
    let delay = oracle.usage(of: "attacker").alarms.map(\.queryIndex).min().map { $0 + 1 }
    let benignUsage = benign.indices.map { oracle.usage(of: "benign-\($0)") }
    let flagged = benignUsage.filter(\.flagged).count
    return DetectionReport(monitor: monitor.name, attackQueries: attack.count / F, detectionDelay: delay,
                           benignStreams: benign.count, benignQueriesPerStream: benign.first.map { $0.count / F } ?? 0,
                           benignFlagged: flagged, benignAlarms: benignUsage.reduce(0) { $0 + $1.alarms.count })
  }

  /// `count` benign streams of `length` rows, each a different seeded random order of `data`'s
  /// rows (test-set queries in random order), sampling without replacement and cycling when
  /// `length` exceeds the data.
  public static func benignStreams(from data: [Float], featureCount: Int, count: Int, length: Int,
                                   seed: UInt64) throws -> [[Float]] {
    guard featureCount > 0, data.count % featureCount == 0, !data.isEmpty else {
      throw GauntletError.shapeMismatch(operation: "benignStreams", detail: "\(data.count) values are not rows of \(featureCount) features")
    }
    let n = data.count / featureCount
    return (0..<count).map { s in
      var order = permutation(n, key: PhiloxKey(seed: seed, stream: UInt64(s)))
      while order.count < length { order += permutation(n, key: PhiloxKey(seed: seed, stream: UInt64(s)).derived(UInt64(order.count))) }
      return order.prefix(length).flatMap { data[($0 * featureCount)..<(($0 + 1) * featureCount)] }
    }
  }

  /// A Fisher–Yates permutation of `0..<n` driven by Philox.
  static func permutation(_ n: Int, key: PhiloxKey) -> [Int] {
    let u = Philox.fill(.uniform(lo: 0, hi: 1), key: key, counter: 0, count: n)
    var p = Array(0..<n)
    for i in stride(from: n - 1, to: 0, by: -1) {
      let j = Swift.min(i, Int(u[i] * Float(i + 1)))
      p.swapAt(i, j)
    }
    return p
  }
}
