import Foundation
import Gauntlet

/// Fidelity and wall time against query budget for every learning-based extraction attack, per
/// backend. Victim: the digits MLP recipe (seed 1); thief data: the digits training split with its
/// labels dropped (strokes for Copycat, its non-problem-domain setting); probabilities revealed,
/// no defense. One run per cell (seeded, deterministic); times are wall-clock of the whole attack.
enum StealBench {
  static let attacks = ["knockoff:strategy=random", "knockoff:strategy=adaptive", "copycat", "jbda",
                        "activethief:strategy=uncertainty", "activethief:strategy=kcenter", "genetic", "boundary", "dfme"]

  static func run(_ ctx: BenchContext) throws -> BenchReport {
    var report = BenchReport(name: "steal", columns: ["attack", "budget", "backend", "queries", "accuracy", "fidelity",
                                                      "fidelity-uniform", "transfer", "seconds"])
    let budgets = ctx.quick ? [100, 250] : [100, 250, 500, 1000, 2500]
    let (train, test) = try Datasets.digitsTrainTest()
    for be in ctx.backends {
      let victim = try VictimRecipes.digitsMLP(on: be, seed: 1)
      let evaluation = try ExtractionEvaluation(victim: victim, testInputs: test.features, testLabels: test.labels, box: 0...1)
      let domain = try ThiefData.make(.domain, domain: train.features, featureCount: 64, count: 1, box: 0...1, seed: 0)
      let strokes = try ThiefData.make(.strokes, domain: train.features, featureCount: 64, count: 2000, box: 0...1, seed: 0)
      for a in attacks {
        for b in budgets {
          let spec = try ExtractionAttackSpec(parsing: a).withBudget(b)
          let oracle = try Oracle(model: victim, configuration: OracleConfiguration(mode: .probabilities, inputBounds: 0...1))
          let t0 = Timing.now()
          let run = try Extraction.steal(oracle.session(client: "thief"), spec: spec,
                                         thief: spec.method == .copycat ? strokes : domain, seed: 1)
          let seconds = Timing.now() - t0
          let m = try evaluation.measure(run.substitute)
          report.add([a, "\(b)", be.name, "\(run.result.queries)", fmt(m.testAccuracy * 100, 1) + "%", fmt(m.fidelityTest * 100, 1) + "%",
                      fmt(m.fidelityUniform * 100, 1) + "%", fmt(m.transfer.victimSuccess * 100, 1) + "%", fmt(seconds, 2)],
                     record: ["attack": a, "budget": b, "backend": be.name, "queries": run.result.queries,
                              "accuracy": m.testAccuracy, "fidelity": m.fidelityTest, "fidelityUniform": m.fidelityUniform,
                              "transfer": m.transfer.victimSuccess, "seconds": seconds,
                              "querySeconds": run.result.querySeconds, "trainSeconds": run.result.trainSeconds])
        }
      }
    }
    return report
  }
}
