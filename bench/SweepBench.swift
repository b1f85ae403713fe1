import Foundation
import Gauntlet

/// `gauntlet-bench sweep`: the default experiment (`examples/default.json`; `--quick`:
/// `examples/quick.json`) run per backend in the same process — three interleaved rounds
/// (cpu, opencl, cpu, opencl, …; one with `--quick`) so machine load hits both alike — with the
/// median over rounds of total oracle/gradient rows per second over the attack cells, wall time,
/// and the OpenCL / CPU ratio of the medians.
enum SweepBench {
  static func run(_ ctx: BenchContext) throws -> BenchReport {
    let path = ctx.quick ? "examples/quick.json" : "examples/default.json"
    let base = try ExperimentConfig.load(path: path, checkBackend: CPUBackend())
    let rounds = ctx.quick ? 1 : 3
    var report = BenchReport(name: "sweep", columns: ["backend", "device", "cells", "rows", "rounds", "median attack s",
                                                      "median rows/s", "median wall s", "ratio"])
    var rates: [String: [Double]] = [:], walls: [String: [Double]] = [:], attackSeconds: [String: [Double]] = [:]
    var rowsOf: [String: Int] = [:], cellsOf: [String: Int] = [:]
    for _ in 0..<rounds {
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
        rates[be.name, default: []].append(secs > 0 ? Double(rows) / secs : 0)
        walls[be.name, default: []].append(wall)
        attackSeconds[be.name, default: []].append(secs)
        rowsOf[be.name] = rows
        cellsOf[be.name] = results.cells.count
      }
    }
    let cpuRate = ctx.backends.first { !$0.name.hasPrefix("opencl") }.map { Statistics.median(rates[$0.name] ?? []) }
    for be in ctx.backends {
      let name = be.name.hasPrefix("opencl") ? "opencl" : "cpu"
      let rate = Statistics.median(rates[be.name] ?? []), wall = Statistics.median(walls[be.name] ?? [])
      let secs = Statistics.median(attackSeconds[be.name] ?? [])
      let ratio = cpuRate.map { $0 > 0 ? rate / $0 : 0 }
      report.add([name, be.name, "\(cellsOf[be.name] ?? 0)", "\(rowsOf[be.name] ?? 0)", "\(rounds)", fmt(secs, 2), fmt(rate, 0),
                  fmt(wall, 2), ratio.map { fmt($0, 2) } ?? "-"],
                 record: ["backend": name, "device": be.name, "config": path, "cells": cellsOf[be.name] ?? 0,
                          "rows": rowsOf[be.name] ?? 0, "rounds": rounds, "rowsPerSecondEachRound": rates[be.name] ?? [],
                          "wallSecondsEachRound": walls[be.name] ?? [], "medianAttackSeconds": secs,
                          "medianRowsPerSecond": rate, "medianWallSeconds": wall,
                          "ratioToCPU": ratio.map { $0 as Any } ?? NSNull()])
    }
    return report
  }
}
