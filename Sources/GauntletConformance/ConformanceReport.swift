import Foundation

/// One check of the conformance suite: an op on one case, its measured error and the tolerance it
/// had to meet (both in the units the check states: relative error, absolute error, or 0 for
/// bit-exact and exact ops).
public struct ConformanceResult: Sendable, Codable, Hashable {
  /// The backend method (or group) checked: `"gemm"`, `"unary"`, `"random"`, `"errors"`, …
  public var op: String
  /// What was varied: sizes, transposes, distribution, …
  public var caseName: String
  public var maxError: Double
  public var tolerance: Double
  public var passed: Bool
  /// Why it failed (worst element, thrown error, broken invariant), or a note.
  public var detail: String?

  public init(op: String, caseName: String, maxError: Double, tolerance: Double, passed: Bool, detail: String? = nil) {
    self.op = op; self.caseName = caseName; self.maxError = maxError; self.tolerance = tolerance
    self.passed = passed; self.detail = detail
  }
}

/// Every result of one `Conformance.run`.
///
/// ```swift
/// let report = Conformance.run(on: CPUBackend())
/// print(report.table())
/// if !report.passed { exit(1) }
/// ```
public struct ConformanceReport: Sendable, Codable {
  public var backend: String
  public var results: [ConformanceResult]

  public init(backend: String, results: [ConformanceResult]) {
    self.backend = backend; self.results = results
  }

  /// True when every check passed (vacuously true for an empty, fully filtered run).
  public var passed: Bool { results.allSatisfy(\.passed) }

  /// The failing checks.
  public var failures: [ConformanceResult] { results.filter { !$0.passed } }

  /// A plain-text table `op | case | max error | tolerance | pass/FAIL`, then a summary line and
  /// the detail of each failure.
  public func table() -> String {
    let header = ["op", "case", "max error", "tolerance", "pass/FAIL"]
    let rows = results.map { r in
      [r.op, r.caseName, Self.format(r.maxError), Self.format(r.tolerance), r.passed ? "pass" : "FAIL"]
    }
    var widths = header.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = Swift.max(widths[i], cell.count) } }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, c in c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
        .joined(separator: " | ")
    }
    var out = ["conformance: \(backend)", line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-")]
    out += rows.map(line)
    let failed = failures
    out.append("\(results.count) checks, \(results.count - failed.count) passed, \(failed.count) failed")
    for f in failed { out.append("FAIL \(f.op) [\(f.caseName)]: \(f.detail ?? "no detail")") }
    return out.joined(separator: "\n")
  }

  static func format(_ x: Double) -> String {
    if x == 0 { return "0" }
    if !x.isFinite { return "\(x)" }
    return String(format: "%.2e", x)
  }
}
