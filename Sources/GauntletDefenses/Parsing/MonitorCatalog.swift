import GauntletCore
import GauntletOracle

/// Builds query monitors from text, with the grammar of defense chains (`SpecGrammar`):
/// `prada:delta=0.9,window=1000` · `knn:k=50,threshold=2.5` · `rate:window=60,max=1000`.
public enum MonitorCatalog {
  /// Valid names and their keys, for error messages and `--help`.
  public static let validNames = "prada (delta, min, window, growing, every), knn (k, threshold, buffer), rate (window, max, buckets)"

  /// Parses a comma-separated list of monitors (`"none"` for none). Each call builds fresh
  /// monitors with empty state.
  public static func parse(_ text: String) throws -> [any QueryMonitor] {
    let items = try SpecGrammar.parse(text, what: "monitor") { name in
      switch name {
      case "prada": return "delta"
      case "knn", "stateful-knn": return "threshold"
      case "rate", "query-rate": return "max"
      default: return nil
      }
    }
    return try items.map { p -> any QueryMonitor in
      switch p.name {
      case "prada":
        try p.check(allowed: ["delta", "min", "window", "growing", "every"])
        return try PRADAMonitor(delta: p.double("delta", default: 0.9), minimumDistances: p.int("min", default: 100),
                                window: p.int("window", default: 1000), maxGrowingSetSize: p.int("growing", default: 1000),
                                testEvery: p.int("every", default: 1))
      case "knn", "stateful-knn":
        try p.check(allowed: ["k", "threshold", "buffer"])
        return try StatefulKNNMonitor(k: p.int("k", default: 50), threshold: p.double("threshold"),
                                      bufferSize: p.int("buffer", default: 1000))
      case "rate", "query-rate":
        try p.check(allowed: ["window", "max", "buckets"])
        return try QueryRateMonitor(window: p.double("window", default: 60), maxRows: p.int("max"),
                                    buckets: p.int("buckets", default: 60))
      default:
        throw GauntletError.invalidArgument(name: "monitor", detail: "unknown monitor '\(p.name)'; valid: \(validNames)")
      }
    }
  }
}
