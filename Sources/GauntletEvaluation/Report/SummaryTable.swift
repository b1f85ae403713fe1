import Foundation

/// `summary.md`: Markdown tables of the defenses' honest-user cost, every attack cell, and throughput.
enum SummaryTable {
  /// Drops the sign of a value that prints as zero (`-0.000` → `0.000`).
  static func unsigned(_ s: String) -> String {
    s.hasPrefix("-") && !s.contains(where: { ("1"..."9").contains($0) }) ? String(s.dropFirst()) : s
  }

  static func markdown(_ r: ExperimentResults) -> String {
    func p(_ v: Double?) -> String { v.map { unsigned(String(format: "%.1f%%", $0 * 100)) } ?? "–" }
    func n(_ v: Double?, _ fmt: String = "%.3f") -> String { v.map { unsigned(String(format: fmt, $0)) } ?? "–" }
    var s = "# \(r.experiment.name)\n\nVictim: \(r.experiment.victim.description) on \(r.experiment.dataset); "
      + "oracle output: \(r.experiment.output); backends: \(r.experiment.backends.joined(separator: ", ")).\n\n"
    s += "## Defenses: cost to honest users\n\n| backend | defense | clean acc | defended acc | acc drop | labels changed | mean L1 | mean KL |\n|---|---|---|---|---|---|---|---|\n"
    for c in r.cells where c.cell.kind == "cost" {
      let m = c.metrics
      s += "| \(c.cell.backend) | `\(c.cell.defense)` | \(p(m["cleanAccuracy"])) | \(p(m["defendedAccuracy"])) | \(p(m["accuracyDrop"])) | \(p(m["labelChangeRate"])) | \(n(m["meanL1"])) | \(n(m["meanKL"])) |\n"
    }
    let attacks = r.attackCells()
    if !attacks.isEmpty {
      let keys = ["successRate", "trueSuccessRate", "robustAccuracy", "medianQueries", "medianL2", "medianLinf", "fidelity", "accuracy"]
      let used = keys.filter { k in attacks.contains { $0.metrics[k] != nil } }
      s += "\n## Attacks\n\n| backend | attack | kind | defense | ε | budget | seed | " + used.joined(separator: " | ") + " |\n|"
        + String(repeating: "---|", count: 7 + used.count) + "\n"
      for c in attacks {
        let v = c.cell.variant
        s += "| \(c.cell.backend) | \(c.attack ?? "") | \(c.cell.kind) | `\(c.cell.defense)` | \(v?.eps.map { SVGChart.tick($0) } ?? "–") | "
          + "\(v?.budget.map(String.init) ?? c.metrics["maxBudget"].map { String(Int($0)) } ?? "–") | \(v.map { String($0.seed) } ?? "–") | "
        s += used.map { k in
          let x = c.metrics[k]
          return k.hasPrefix("median") && k.hasSuffix("Queries") ? n(x, "%.0f") : k.hasPrefix("median") ? n(x) : p(x)
        }.joined(separator: " | ") + " |\n"
      }
    }
    s += "\n## Throughput (attack cells, oracle or gradient rows per second)\n\n| backend | device | rows | seconds | rows/s |\n|---|---|---|---|---|\n"
    for b in r.experiment.backends {
      let cs = r.attackCells(backend: b)
      let rows = cs.reduce(0) { $0 + $1.timing.rows }, sec = cs.reduce(0) { $0 + $1.timing.seconds }
      s += "| \(b) | \(r.environment.devices[b] ?? "–") | \(rows) | \(String(format: "%.2f", sec)) | \(sec > 0 ? String(format: "%.0f", Double(rows) / sec) : "–") |\n"
    }
    return s
  }
}
