import Foundation
import Testing
import Gauntlet

@Suite("Experiment configuration")
struct ConfigErrorTests {
  @Test("every problem is reported at once, with field and line, before any work")
  func allProblemsAtOnce() throws {
    let text = """
      {
        "name": "bad",
        "victim": { "recipe": "mlp:64-32-10", "epochs": 0 },
        "defenses": ["none", "rounding:decimals=x", "nosuchdefense"],
        "attacks": [
          { "attack": "sqare", "eps": 0.1, "budgets": [100] },
          { "attack": "square", "eps": -0.1, "budgets": [0, 50], "params": { "bogus": 3 } },
          { "attack": "zoo", "eps": 0.1, "budgets": [100] },
          { "attack": "simba", "eps": 0.2 },
          { "attack": "square", "eps": 0.2, "budgets": [100], "params": { "bogus": 3 } },
          { "attack": "pgd", "eps": 0.1, "budgets": [100] },
          { "attack": "knockoff", "budgets": [100], "params": { "strategy": "psychic" } }
        ],
        "backends": ["cpu", "tpu"],
        "colour": "blue"
      }
      """
    let error = try #require(throws: ConfigError.self) { try ExperimentConfig.parse(text, path: "bad.json") }
    let found = Set(error.issues.map { "\($0.field)@\($0.line)" })
    let expected: Set<String> = [
      "victim.epochs@3", "defenses[1]@4", "defenses[2]@4", "attacks[0].attack@6", "attacks[1].eps@7",
      "attacks[1].budgets[0]@7", "attacks[2].eps@8", "attacks[3].budgets@9", "attacks[4]@10",
      "attacks[5].budgets@11", "attacks[6]@12", "backends[1]@14", "colour@15",
    ]
    #expect(found == expected, "issues: \(error.description)")
    // The message says what is valid.
    #expect(error.description.contains("unknown attack 'sqare'; valid: square"))
    #expect(error.description.contains("bogus"))
    #expect(error.issues.map(\.line) == error.issues.map(\.line).sorted())
  }

  @Test("missing victim model file, syntax error with its line, missing config file")
  func filesAndSyntax() throws {
    let missing = try #require(throws: ConfigError.self) {
      try ExperimentConfig.parse(#"{"victim": {"model": "no-such.gmodel"}, "attacks": []}"#)
    }
    #expect(missing.issues.map(\.field) == ["victim.model"])
    let syntax = try #require(throws: ConfigError.self) {
      try ExperimentConfig.parse("{\n  \"victim\": {\"recipe\": \"mlp:64-10\"},\n  \"attacks\": [,]\n}")
    }
    #expect(syntax.issues.count == 1 && syntax.issues[0].line == 3)
    let noFile = try #require(throws: ConfigError.self) { try ExperimentConfig.load(path: "/nonexistent/experiment.json") }
    #expect(noFile.issues.first?.field == "(file)")
  }

  @Test("the examples parse and expand to the expected matrix")
  func examplesParse() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    for name in ["quick", "default"] {
      let c = try ExperimentConfig.load(path: root.appendingPathComponent("examples/\(name).json").path, checkBackend: CPUBackend())
      let plan = ExperimentPlan(c)
      #expect(plan.cells.count > c.defenses.count)
      #expect(Set(plan.cells.map(\.id)).count == plan.cells.count, "cell ids must be unique")
    }
    let tiny = try EvalFixtures.tinyConfig(backends: ["cpu"])
    // costs 2 + square (2 ε × 2 defenses) + simba (1 × 2) = 8
    #expect(ExperimentPlan(tiny).cells.count == 8)
  }

  @Test("shards partition the plan")
  func shardsPartition() throws {
    let plan = ExperimentPlan(try EvalFixtures.tinyConfig(backends: ["cpu", "opencl"]))
    let parts = (1...3).map { try! plan.slice(ShardSpec(index: $0, count: 3)) }
    #expect(parts.flatMap { $0 }.map(\.id).sorted() == plan.cells.map(\.id).sorted())
    #expect(throws: GauntletError.self) { try ShardSpec(parsing: "0/2") }
    #expect(throws: GauntletError.self) { try ShardSpec(parsing: "3/2") }
    #expect(throws: GauntletError.self) { try ShardSpec(parsing: "x") }
  }
}

@Suite("Experiment configuration: kinds")
struct ConfigKindTests {
  @Test("`kind` picks between attacks sharing a name, and is checked")
  func kindDisambiguates() throws {
    let base = #"{"victim": {"recipe": "mlp:64-10"}, "attacks": [ATTACK]}"#
    func parse(_ a: String) throws -> ExperimentConfig { try ExperimentConfig.parse(base.replacingOccurrences(of: "ATTACK", with: a)) }
    #expect(try parse(#"{"attack": "boundary", "eps": 1.0, "budgets": [10]}"#).attacks[0].kind == "evasion")
    // A decision attack without ε would count any misclassified start point as a success.
    let noEps = try #require(throws: ConfigError.self) { try parse(#"{"attack": "hsj", "budgets": [10]}"#) }
    #expect(noEps.issues.map(\.field) == ["attacks[0].eps"])
    #expect(try parse(#"{"attack": "boundary", "kind": "extraction", "budgets": [10]}"#).attacks[0].kind == "extraction")
    let e = try #require(throws: ConfigError.self) { try parse(#"{"attack": "square", "kind": "extraction", "eps": 0.1, "budgets": [10]}"#) }
    #expect(e.issues.map(\.field) == ["attacks[0].attack"])
    let k = try #require(throws: ConfigError.self) { try parse(#"{"attack": "square", "kind": "magic", "eps": 0.1, "budgets": [10]}"#) }
    #expect(k.issues.map(\.field) == ["attacks[0].kind"])
  }
}
