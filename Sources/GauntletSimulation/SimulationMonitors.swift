import GauntletCore
import GauntletDefenses
import GauntletOracle

/// Monitor specs for a simulation: `MonitorCatalog` text, where a bare `knn` (no `threshold=`)
/// gets its threshold calibrated on benign traffic, as Chen et al. do: on one simulated benign
/// client's stream of `buffer` (1000) queries, the smallest leave-one-out mean distance to the `k`
/// nearest other queries of the stream (a per-client, not per-query, false-positive target: a
/// benign client sends hundreds of queries, so a per-query 0.1% quantile would flag most of them).
public enum SimulationMonitors {
  /// `calibrationRows` / `calibrationLabels`: the samples benign clients replay (the test split).
  public static func parse(_ text: String, calibrationRows: [Float], calibrationLabels: [Int32], featureCount: Int,
                           noise: Float, bounds: ClosedRange<Float> = 0...1, seed: UInt64, k: Int = 50) throws -> [any QueryMonitor] {
    let items = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
    guard items.contains(where: { $0 == "knn" || $0 == "stateful-knn" }) else { return try MonitorCatalog.parse(text) }
    guard featureCount > 0, !calibrationLabels.isEmpty, calibrationRows.count == calibrationLabels.count * featureCount else {
      throw SimulationError.badParameter(name: "knn calibration", detail: "need labelled benign rows of \(featureCount) features")
    }
    let traffic = BenignTraffic(features: calibrationRows, labels: calibrationLabels, featureCount: featureCount,
                                sigma: noise, bounds: bounds, seed: seed ^ 0xCA11B)
    var state = seed, rows = [Float](repeating: 0, count: 1000 * featureCount)
    rows.withUnsafeMutableBufferPointer { p in
      for r in 0..<(p.count / featureCount) { _ = traffic.fill(&state, into: p.baseAddress! + r * featureCount) }
    }
    let t = try StatefulKNNMonitor.calibrate(benign: rows, featureCount: featureCount, k: k, falsePositiveRate: 0,
                                             maxRows: 1000)
    let fixed = items.map { $0 == "knn" || $0 == "stateful-knn" ? "knn:k=\(k),threshold=\(t)" : $0 }
    return try MonitorCatalog.parse(fixed.joined(separator: ","))
  }
}
