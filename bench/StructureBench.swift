import Foundation
import Gauntlet

/// Exact extraction through the oracle: structure stealing + functionally-equivalent extraction
/// (Carlini et al. 2020; Jagielski et al. 2020) of `mlp:64-<h>-10` digits victims (h = 8, 16, 32,
/// 64; 10 epochs of Adam on CPU, the same weights on every backend), and equation solving
/// (Tramèr et al. 2016) of `mlp:64-10`. Logits mode, box [0, 1]. `--quick`: h = 8, 16.
enum StructureBench {
  static func run(_ ctx: BenchContext) throws -> BenchReport {
    var report = BenchReport(name: "structure", columns: [
      "victim", "attack", "backend", "lines", "recovered", "matched", "min |cos|", "max Δlogit (rel)", "queries", "seconds"])
    let widths = ctx.quick ? [8, 16] : [8, 16, 32, 64]
    let (train, _) = try Datasets.digitsTrainTest()
    func trained(_ spec: String) throws -> [[Float]] {
      let m = try ModelSpec(parsing: spec).build(on: CPUBackend(), seed: 1)
      try Gauntlet.train(model: m, on: m.backend, dataset: train, epochs: 10, batchSize: 32, seed: 1,
                         optimizer: try Adam(learningRate: 2e-3), quiet: true)
      return try m.parameters.map { try $0.values() }
    }
    func load(_ spec: String, _ values: [[Float]], on be: Backend) throws -> Sequential {
      let m = try ModelSpec(parsing: spec).build(on: be, seed: 1)
      for (p, v) in zip(m.parameters, values) { try p.load(v) }
      return m
    }
    let victims = try widths.map { w in ("mlp:64-\(w)-10", try trained("mlp:64-\(w)-10")) }
    let linear = try trained("mlp:64-10")
    for be in ctx.backends {
      for (spec, values) in victims {
        let victim = try load(spec, values, on: be)
        let oracle = try Oracle(model: victim, configuration: OracleConfiguration(mode: .logits, inputBounds: 0...1))
        let lines = r0Lines(spec)
        let r = try StructureStealing.run(session: oracle.session(client: "thief"), options: .init(lines: lines),
                                          reference: victim)
        let linear = r.linearUnits > 0 ? " +\(r.linearUnits) linear" : ""
        report.add([spec, "structure", be.name, "\(lines)", "\(r.recoveredWidth)\(linear) (\(r.trueWidthInBox!) in box)",
                    "\(r.matchedUnits!)/\(r.trueWidth!)", fmt(r.minWeightCosine ?? 0, 9),
                    String(format: "%.2e", r.relativeLogitDifference ?? .nan), "\(r.queries)", fmt(r.seconds, 2)],
                   record: ["victim": spec, "attack": "structure", "backend": be.name, "lines": lines, "recovered": r.recoveredWidth,
                            "linearUnits": r.linearUnits, "trueWidth": r.trueWidth!, "trueWidthInBox": r.trueWidthInBox!,
                            "matched": r.matchedUnits!, "signsCorrect": r.signsCorrect!,
                            "minCosine": r.minWeightCosine ?? 0, "maxAngleDegrees": r.maxAngleDegrees ?? 0,
                            "maxLogitDifference": r.maxLogitDifference ?? 0,
                            "relativeLogitDifference": r.relativeLogitDifference ?? 0, "queries": r.queries,
                            "queriesByStage": r.queriesByStage, "criticalPoints": r.criticalPoints, "seconds": r.seconds])
      }
      let victim = try load("mlp:64-10", linear, on: be)
      for mode in [OutputMode.probabilities, .logits] {
        let oracle = try Oracle(model: victim, configuration: OracleConfiguration(mode: mode, inputBounds: 0...1))
        let r = try EquationSolving.run(session: oracle.session(client: "thief"), reference: victim)
        report.add(["mlp:64-10", "equation-solving (\(mode))", be.name, "-", r.network.architecture, "-", "-",
                    String(format: "%.2e (param err %.2e)", r.relativeLogitDifference ?? .nan, r.parameterError ?? .nan),
                    "\(r.queries)", fmt(r.seconds, 3)],
                   record: ["victim": "mlp:64-10", "attack": "equation-solving", "mode": mode.description, "backend": be.name,
                            "parameterError": r.parameterError ?? 0, "maxLogitDifference": r.maxLogitDifference ?? 0,
                            "relativeLogitDifference": r.relativeLogitDifference ?? 0, "queries": r.queries,
                            "equationQueries": r.equationQueries, "seconds": r.seconds])
      }
    }
    return report
  }

  /// 48 lines (the default) up to width 32, 128 for width 64 (each unit needs a line to cross it).
  static func r0Lines(_ spec: String) -> Int { spec.contains("-64-") ? 128 : 48 }
}
