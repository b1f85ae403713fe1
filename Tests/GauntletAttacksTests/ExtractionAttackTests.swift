import Testing
import Gauntlet

/// Every extraction attack on every backend: budget spent exactly, and a fidelity floor on the tiny
/// digits victim (probabilities revealed, budget 300, the digits training split as thief data).
@Suite("Extraction attacks on every backend", .serialized)
struct ExtractionAttackTests {
  static let cases: [(spec: String, floor: Double)] = [
    ("substitute", 0.90),
    ("knockoff:strategy=random", 0.90),
    ("knockoff:strategy=adaptive,rounds=3", 0.90),
    ("copycat", 0.88),
    ("jbda:seeds=40,rounds=3", 0.85),
    ("activethief:strategy=uncertainty,rounds=3", 0.90),
    ("activethief:strategy=kcenter,rounds=3", 0.90),
    ("genetic:population=60", 0.85),
    ("boundary:rounds=2,steps=5", 0.90),
    ("dfme:points=8,q=2", 0.20),
  ]

  @Test(arguments: 0..<cases.count)
  func reachesFidelityFloorWithinExactBudget(_ i: Int) throws {
    let (text, floor) = Self.cases[i]
    for be in Fixtures.backends {
      let victim = try ExtractionFixtures.victim(on: be)
      let oracle = try ExtractionFixtures.oracle(victim)
      let session = oracle.session(client: "thief")
      let thief = try ExtractionFixtures.thief()
      let before = thief.features
      let spec = try ExtractionAttackSpec(parsing: (text.contains(":") ? text + "," : text + ":") + "budget=300,\(ExtractionFixtures.cheap)")
      let run = try Extraction.steal(session, spec: spec, thief: thief, seed: 5, evaluation: ExtractionFixtures.evaluation(victim))
      let m = try #require(run.result.metrics)
      print("extraction \(be.name) \(text): fidelity test \(m.fidelityTest) uniform \(m.fidelityUniform) acc \(m.testAccuracy) transfer \(m.transfer.victimSuccess) queries \(run.result.queries) rounds \(run.result.rounds)")
      #expect(run.result.queries == 300, "\(text) on \(be.name)")
      #expect(session.usage.answered.total == 300, "\(text) on \(be.name): the ledger agrees")
      #expect(run.result.stoppedEarly == nil)
      #expect(m.fidelityTest >= floor, "\(text) on \(be.name): fidelity \(m.fidelityTest) < \(floor)")
      #expect(m.fidelityUniform >= 0 && m.fidelityUniform <= 1)
      #expect(thief.features == before, "thief data not mutated")
      #expect(run.substitute.backend === be)
    }
  }

  /// The deployment's own limit below the attack's budget: the attack stops early, spends exactly
  /// the deployment's rows and reports why.
  @Test func stopsAtTheDeploymentsLimit() throws {
    let be = Fixtures.cpu
    let victim = try ExtractionFixtures.victim(on: be)
    for text in ["knockoff:strategy=adaptive,rounds=2", "jbda:seeds=20", "activethief:rounds=2"] {
      let oracle = try ExtractionFixtures.oracle(victim, budget: 77)
      let session = oracle.session(client: "thief")
      let run = try Extraction.steal(session, spec: ExtractionAttackSpec(parsing: "\(text),budget=200,\(ExtractionFixtures.cheap)"),
                                     thief: ExtractionFixtures.thief())
      #expect(run.result.queries == 77, "\(text)")
      #expect(session.usage.answered.total == 77)
      #expect(run.result.stoppedEarly != nil)
    }
  }

  /// Budgets smaller than an attack's natural batch (seed set, population, generator step) are
  /// still spent exactly, never exceeded.
  @Test func tinyBudgetsAreSpentExactly() throws {
    let be = Fixtures.cpu
    let victim = try ExtractionFixtures.victim(on: be)
    for m in ExtractionMethod.allCases {
      let session = try ExtractionFixtures.oracle(victim).session(client: m.rawValue)
      let run = try Extraction.steal(session, spec: ExtractionAttackSpec(parsing: "\(m.rawValue):budget=7,arch=mlp:64-8-10,epochs=1"),
                                     thief: ExtractionFixtures.thief(), seed: 2)
      #expect(run.result.queries == 7, "\(m.rawValue)")
      #expect(session.usage.answered.total == 7, "\(m.rawValue)")
    }
  }

  /// Temperature and labels-only change what the substitute is trained on.
  @Test func answerFormsAndTemperature() throws {
    let be = Fixtures.cpu
    let victim = try ExtractionFixtures.victim(on: be)
    let thief = try ExtractionFixtures.thief()
    let soft = try Extraction.steal(ExtractionFixtures.oracle(victim).session(client: "a"),
                                    spec: ExtractionAttackSpec(parsing: "substitute:budget=50,t=2,\(ExtractionFixtures.cheap)"), thief: thief)
    #expect(soft.result.trainedOn == "scores" && soft.result.temperature == 2)
    let hard = try Extraction.steal(ExtractionFixtures.oracle(victim).session(client: "b"),
                                    spec: ExtractionAttackSpec(parsing: "substitute:budget=50,answers=labels,\(ExtractionFixtures.cheap)"), thief: thief)
    #expect(hard.result.trainedOn == "labels")
    let logits = try Extraction.steal(ExtractionFixtures.oracle(victim, mode: .logits).session(client: "c"),
                                      spec: ExtractionAttackSpec(parsing: "substitute:budget=50,\(ExtractionFixtures.cheap)"), thief: thief)
    #expect(logits.result.revealed == "logits" && logits.result.trainedOn == "scores")
    let q = SubstituteTraining.soften([0.5, 0.25, 0.25, 0], classCount: 4, temperature: 2)
    #expect(abs(q[0] - 0.4142) < 1e-3 && q[3] == 0 && abs(q.reduce(0, +) - 1) < 1e-5)
  }
}
