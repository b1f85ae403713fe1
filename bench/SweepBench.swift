import Foundation
import Gauntlet

/// `gauntlet-bench sweep`: the default experiment (`examples/default.json`; `--quick`:
/// `examples/quick.json`) run once per backend in the same process, with total oracle/gradient
/// rows per second over the attack cells, wall time, and the OpenCL / CPU ratio.
enum SweepBench {
  static func run(_ ctx: BenchContext) throws -> BenchReport {
    let path = ctx.quick ? "examples/quick.json" : "examples/default.json"
    let base = try ExperimentConfig.load(path: path, checkBackend: CPUBackend())
    var report = BenchReport(name: "sweep", columns: ["backend", "device", "cells", "rows", "attack s", "rows/s", "wall s", "ratio"])
    var cpuRate: Double?
    for be in ctx.backends {
      let name = be.name.hasPrefix("opencl") ? "opencl" : "cpu"
      var config = base
      config.backends = [name]
      let out = FileManager.default.temporaryDirectory.appendingPathComponent("gauntlet-sweep-\(name)-\(UUID().uuidString)").path
      defer { try? FileManager.default.removeItem(atPath: out) }
      let provider: ExperimentRunner.BackendProvider = { n in n == name ? be : try BackendChoice(parsing: n).make() }
      let t0 = Timing.now()
      _ = try ExperimentRunner(config: config, outDirectory: out, quiet: true, backend: provider).run()
      let wall = Timing.now() - t0
      let results = try JSONDecoder().decode(ExperimentResults.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/results.json")))
      let attacks = results.cells.filter { $0.cell.attackIndex != nil }
      let rows = attacks.reduce(0) { $0 + $1.timing.rows }, secs = attacks.reduce(0) { $0 + $1.timing.seconds }
      let rate = secs > 0 ? Double(rows) / secs : 0
      if name == "cpu" { cpuRate = rate }
      let ratio = cpuRate.map { $0 > 0 ? rate / $0 : 0 }
      report.add([name, be.name, "\(results.cells.count)", "\(rows)", fmt(secs, 2), fmt(rate, 0), fmt(wall, 2),
                  ratio.map { fmt($0, 2) } ?? "-"],
                 record: ["backend": name, "device": be.name, "config": path, "cells": results.cells.count, "rows": rows,
                          "attackSeconds": secs, "rowsPerSecond": rate, "wallSeconds": wall,
                          "ratioToCPU": ratio.map { $0 as Any } ?? NSNull()])
    }
    return report
  }
}
