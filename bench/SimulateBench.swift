import Foundation
import Gauntlet

/// The default deployment simulation (digits MLP victim, 1 000 clients: 99% benign, 1% Square
/// attackers; rounding to 2 decimals; with and without PRADA) on each backend: queries/s, the
/// device's own rows/s, and peak resident memory per run (`VmHWM`, reset before each run) at
/// 10⁵, 10⁶ and 10⁷ queries, to show that memory does not grow with the query count; then all
/// backends together (multi-device split; the "device rows/s" column shows each one's share).
enum SimulateBench {
  static func run(_ ctx: BenchContext) throws -> BenchReport {
    var report = BenchReport(name: "simulate", columns: ["backend", "monitors", "queries", "seconds", "queries/s",
                                                          "device rows/s", "peak MiB", "benign FP", "square flagged"])
    let cpu = CPUBackend()
    let victim = try VictimRecipes.digitsMLP(on: cpu, seed: 1, epochs: 10)
    let (_, test) = try Datasets.digitsTrainTest()
    let file = try victim.gmodel()
    let cases: [(String, [Int])] = [("none", ctx.quick ? [100_000, 1_000_000] : [100_000, 1_000_000, 10_000_000]),
                                    ("prada:every=100,growing=50", [ctx.quick ? 100_000 : 1_000_000])]
    for be in ctx.backends {
      let model = be === cpu ? victim : try Sequential.load(file, on: be)
      for (monitors, counts) in cases {
        for q in counts {
          var c = SimulationConfiguration(clients: 1000, mix: try ClientMix(parsing: "benign:0.99,square:0.01"), queries: q)
          c.seed = 1
          let device = try SimulationDevice(model: model, chain: try DefenseChain(parsing: "round:2"))
          let sim = try Simulation(devices: [device], test: test, monitors: try MonitorCatalog.parse(monitors),
                                   configuration: c, monitorSpec: monitors)
          let bar = ProgressBar(total: q, label: "\(be.name) \(monitors) \(q)")
          sim.progress = { done, _ in bar.update(done) }
          ProcessMemory.resetPeak()
          let r = try sim.run()
          bar.finish()
          let peak = Double(ProcessMemory.peakResidentBytes() ?? 0) / 1_048_576
          let o = r.outcome
          let sq = o.kinds.first { $0.kind == .square }
          report.add([be.name, monitors, "\(q)", fmt(r.seconds, 2), fmt(r.queriesPerSecond, 0),
                      fmt(r.devices[0].rowsPerSecond, 0), fmt(peak, 0), "\(o.benignFalsePositives)/\(o.benignClients)",
                      "\(sq?.flagged ?? 0)/\(sq?.clients ?? 0)"],
                     record: ["backend": be.name, "defense": "round:2", "monitors": monitors, "queries": q, "clients": 1000,
                              "seconds": r.seconds, "queriesPerSecond": r.queriesPerSecond,
                              "deviceRowsPerSecond": r.devices[0].rowsPerSecond, "peakResidentMiB": peak,
                              "benignFalsePositives": o.benignFalsePositives, "honestAccuracy": o.honestAccuracy,
                              "squareFlagged": sq?.flagged ?? 0, "squareEvasionSuccess": sq?.evasionSuccessRate ?? 0])
        }
      }
    }
    // Every backend at once: each batch split in proportion to measured speed.
    if ctx.backends.count > 1 {
      let q = ctx.quick ? 100_000 : 1_000_000
      var c = SimulationConfiguration(clients: 1000, mix: try ClientMix(parsing: "benign:0.99,square:0.01"), queries: q)
      c.seed = 1
      let devices = try ctx.backends.map { be in
        try SimulationDevice(model: be === cpu ? victim : try Sequential.load(file, on: be), chain: try DefenseChain(parsing: "round:2"))
      }
      let sim = try Simulation(devices: devices, test: test, configuration: c, monitorSpec: "none")
      ProcessMemory.resetPeak()
      let r = try sim.run()
      let peak = Double(ProcessMemory.peakResidentBytes() ?? 0) / 1_048_576
      let name = ctx.backends.map(\.name).joined(separator: " + ")
      let split = r.devices.map { String(format: "%.0f%%", $0.share * 100) }.joined(separator: "/")
      report.add([name, "none", "\(q)", fmt(r.seconds, 2), fmt(r.queriesPerSecond, 0), split, fmt(peak, 0),
                  "\(r.outcome.benignFalsePositives)/\(r.outcome.benignClients)", "-"],
                 record: ["backend": name, "defense": "round:2", "monitors": "none", "queries": q, "clients": 1000,
                          "seconds": r.seconds, "queriesPerSecond": r.queriesPerSecond, "peakResidentMiB": peak,
                          "devices": r.devices.map { ["backend": $0.backend, "rows": $0.rows, "rowsPerSecond": $0.rowsPerSecond,
                                                      "share": $0.share] as [String: Any] }])
    }
    return report
  }
}
