import Foundation
import Gauntlet

/// Wall-clock timing with warm-up; benches quote medians because machines are noisy.
enum Timing {
  static func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
  }

  /// Median seconds of `body` over `repeats` runs after `warmup` runs; stops early once
  /// `maxSeconds` of measurement have passed (at least 3 runs).
  static func median(warmup: Int = 1, repeats: Int = 7, maxSeconds: Double = 3,
                     _ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<warmup { try body() }
    var samples: [Double] = []
    let start = now()
    for i in 0..<repeats {
      let t0 = now()
      try body()
      samples.append(now() - t0)
      if i >= 2 && now() - start > maxSeconds { break }
    }
    samples.sort()
    return samples[samples.count / 2]
  }
}

extension Timing {
  /// Medians of `a` and `b` run alternately (a, b, a, b, …) after `warmup` runs of each, so slow
  /// drifts of the machine (thread pools waking, frequency, other load) hit both alike; the
  /// ratio of the two medians is what an overhead figure should quote.
  static func interleavedMedians(warmup: Int = 3, repeats: Int = 31, maxSeconds: Double = 4,
                                 _ a: () throws -> Void, _ b: () throws -> Void) rethrows -> (a: Double, b: Double) {
    for _ in 0..<warmup { try a(); try b() }
    var sa: [Double] = [], sb: [Double] = []
    let start = now()
    for i in 0..<repeats {
      var t0 = now(); try a(); sa.append(now() - t0)
      t0 = now(); try b(); sb.append(now() - t0)
      if i >= 2 && now() - start > maxSeconds { break }
    }
    sa.sort(); sb.sort()
    return (sa[sa.count / 2], sb[sb.count / 2])
  }
}

/// A printed table plus the same rows as JSON under `bench/results/<name>.json`.
struct BenchReport {
  let name: String
  let columns: [String]
  var rows: [[String]] = []
  var records: [[String: Any]] = []

  mutating func add(_ row: [String], record: [String: Any]) {
    rows.append(row)
    records.append(record)
  }

  func printTable() {
    var widths = columns.map(\.count)
    for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, c in c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
        .joined(separator: "  ")
    }
    print(line(columns))
    print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
    for r in rows { print(line(r)) }
  }

  /// Writes `{"bench": name, "environment": …, "rows": […]}` to `directory/name.json`.
  func writeJSON(directory: String, environment: [String: Any]) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let object: [String: Any] = ["bench": name, "environment": environment, "rows": records]
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    let path = directory + "/" + name + ".json"
    try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    print("wrote \(path)")
  }
}

func fmt(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
