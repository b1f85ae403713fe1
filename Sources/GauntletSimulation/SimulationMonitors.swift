import GauntletCore
import GauntletDefenses
import GauntletOracle

/// Monitor specs for a simulation: `MonitorCatalog` text, where a bare `knn` (no `threshold=`)
/// gets its threshold calibrated on benign traffic (noisy test samples) at a 0.1% false-positive
/// rate, as Chen et al. do.
public enum SimulationMonitors {
  public static func parse(_ text: String, calibrationRows: [Float], featureCount: Int, noise: Float,
                           seed: UInt64, k: Int = 50) throws -> [any QueryMonitor] {
    let items = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
    guard items.contains(where: { $0 == "knn" || $0 == "stateful-knn" }) else { return try MonitorCatalog.parse(text) }
    let n = calibrationRows.count / Swift.max(featureCount, 1)
    let traffic = BenignTraffic(features: calibrationRows, labels: [Int32](repeating: 0, count: n), featureCount: featureCount,
                                sigma: noise, bounds: 0...1, seed: seed ^ 0xCA11B)
    var state = seed, rows = [Float](repeating: 0, count: Swift.min(n, 1000) * featureCount)
    rows.withUnsafeMutableBufferPointer { p in
      for r in 0..<(p.count / featureCount) { _ = traffic.fill(&state, into: p.baseAddress! + r * featureCount) }
    }
    let t = try StatefulKNNMonitor.calibrate(benign: rows, featureCount: featureCount, k: k, falsePositiveRate: 0.001)
    let fixed = items.map { $0 == "knn" || $0 == "stateful-knn" ? "knn:k=\(k),threshold=\(t)" : $0 }
    return try MonitorCatalog.parse(fixed.joined(separator: ","))
  }
}
