import Foundation
import Testing
import Gauntlet

@Suite("Sharded runs and merge", .serialized)
struct ShardMergeTests {
  @Test("merging shards 1/2 and 2/2 gives the unsharded results, on CPU and OpenCL")
  func shardsMergeToUnsharded() throws {
    let config = try EvalFixtures.tinyConfig(backends: EvalFixtures.backendNames)
    let whole = try EvalFixtures.temporaryDirectory("whole")
    let s = try ExperimentRunner(config: config, outDirectory: whole, quiet: true, backend: EvalFixtures.provider).run()
    #expect(s.complete && s.ran == s.planned && s.resumed == 0)

    let a = try EvalFixtures.temporaryDirectory("shard1"), b = try EvalFixtures.temporaryDirectory("shard2")
    let s1 = try ExperimentRunner(config: config, outDirectory: a, shard: ShardSpec(index: 1, count: 2), quiet: true,
                                  backend: EvalFixtures.provider).run()
    let s2 = try ExperimentRunner(config: config, outDirectory: b, shard: ShardSpec(index: 2, count: 2), quiet: true,
                                  backend: EvalFixtures.provider).run()
    #expect(!s1.complete && !s2.complete)
    #expect(s1.ran + s2.ran == s.planned)
    #expect(!FileManager.default.fileExists(atPath: a + "/results.json"))

    // One shard alone cannot be merged into a complete report.
    #expect(throws: GauntletError.self) { try ExperimentMerger.merge([a], into: EvalFixtures.temporaryDirectory("partial")) }

    let merged = try EvalFixtures.temporaryDirectory("merged")
    #expect(try ExperimentMerger.merge([a, b], into: merged) == s.planned)
    #expect(try EvalFixtures.deterministicResults(merged) == EvalFixtures.deterministicResults(whole))
    #expect(try String(contentsOfFile: merged + "/summary.md", encoding: .utf8).contains("| square |"))
    for f in ["report.html", "summary.md"] { #expect(FileManager.default.fileExists(atPath: merged + "/" + f)) }

    // Every backend produced attack cells with sane metrics.
    let results = try JSONDecoder().decode(ExperimentResults.self, from: Data(contentsOf: URL(fileURLWithPath: whole + "/results.json")))
    for backend in config.backends {
      let cells = results.cells.filter { $0.cell.backend == backend && $0.cell.kind == "score" }
      #expect(cells.count == 6)
      for c in cells {
        let m = c.metrics
        #expect((0...1).contains(m["successRate"] ?? -1) && (0...1).contains(m["trueSuccessRate"] ?? -1))
        #expect((m["medianQueries"] ?? .infinity) <= 30)
        if c.attack == "square" { #expect((m["successAt10"] ?? 2) <= (m["successAt30"] ?? -1)) }
        #expect(m["successAt30"] == m["successRate"])
        #expect((m["medianLinf"] ?? 1) <= Double(c.cell.variant?.eps ?? 0) + 1e-6)
        #expect(c.curve.first?.y == 0 && c.curve.count == 25)
      }
      // Square at ε = 0.4 on the undefended 2-epoch victim succeeds on some samples.
      #expect(cells.contains { $0.attack == "square" && $0.cell.defense == "none" && ($0.metrics["successRate"] ?? 0) > 0 })
    }
  }

  @Test("an output folder of another experiment is refused")
  func refusesOtherExperiment() throws {
    let dir = try EvalFixtures.temporaryDirectory("other")
    var config = try EvalFixtures.tinyConfig(backends: ["cpu"])
    config.attacks = []
    config.defenses = ["none"]
    _ = try ExperimentRunner(config: config, outDirectory: dir, quiet: true, backend: EvalFixtures.provider).run()
    config.name = "changed"
    #expect(throws: GauntletError.self) {
      try ExperimentRunner(config: config, outDirectory: dir, quiet: true, backend: EvalFixtures.provider).run()
    }
  }
}

@Suite("Cell failures")
struct CellFailureTests {
  @Test("a cell that throws names itself; the cells finished before it stay")
  func failureNamesCell() throws {
    let config = try ExperimentConfig.parse("""
      {"victim": {"recipe": "mlp:64-16-10", "epochs": 1}, "costSamples": 20,
       "attacks": [{"attack": "dfme", "budgets": [10], "params": {"answers": "labels"}}]}
      """)
    let dir = try EvalFixtures.temporaryDirectory("failure")
    let error = try #require(throws: CellFailure.self) {
      try ExperimentRunner(config: config, outDirectory: dir, quiet: true, backend: EvalFixtures.provider).run()
    }
    #expect(error.cell.contains("dfme") && error.description.contains("rerun"))
    let plan = ExperimentPlan(config)
    #expect(CellStore(directory: dir).load(plan.cells[0]) != nil, "the cost cell finished before the failure must be kept")
  }
}
