import Testing
import Gauntlet

@Suite struct ExtractionSpecTests {
  @Test func parsesNamesKeysAndDefaults() throws {
    let s = try ExtractionAttackSpec(parsing: "knockoff:budget=1000,strategy=adaptive")
    #expect(s.method == .knockoff && s.budget == 1000)
    #expect(try s.options().strategy == "adaptive")
    let c = try ExtractionAttackSpec(parsing: " Copycat ")
    let copycatLabels = try c.options().labelsOnly
    #expect(c.method == .copycat && c.budget == 1000 && copycatLabels)
    let t = try ExtractionAttackSpec(parsing: "substitute:t=4,budget=50")
    #expect(try t.options().temperature == 4)
    #expect(try t.withBudget(250).budget == 250)
    #expect(try t.withBudget(250).options().temperature == 4)
    for m in ExtractionMethod.allCases { _ = try ExtractionAttackSpec(parsing: m.rawValue) }
  }

  @Test func badSpecsAreTypedErrors() {
    let bad = ["", "stealer", "knockoff:budget=0", "knockoff:budget=-3", "knockoff:budget=abc", "knockoff:strategy=greedy",
               "knockoff:lambda=0.1", "jbda:lambda=nan", "jbda:lambda=0", "copycat:answers=maybe", "activethief:strategy=random",
               "dfme:q=0", "substitute:temperature=0", "substitute:temperature=inf", "knockoff:budget", "genetic:population=2",
               "substitute:lr=-1", "boundary:initial=2", "substitute:seed=-1"]
    for text in bad {
      #expect(throws: GauntletError.self, "\(text)") { try ExtractionAttackSpec(parsing: text) }
    }
  }

  @Test func stealRejectsBadInputsWithoutSpending() throws {
    let be = Fixtures.cpu
    let victim = try ExtractionFixtures.victim(on: be)
    let oracle = try ExtractionFixtures.oracle(victim)
    let session = oracle.session(client: "bad")
    let spec = try ExtractionAttackSpec(parsing: "substitute:budget=10")
    let narrow = try ThiefData(features: [Float](repeating: 0.5, count: 30), featureCount: 10)
    #expect(throws: GauntletError.self) { try Extraction.steal(session, spec: spec, thief: narrow) }
    let outside = try ThiefData(features: [Float](repeating: 3, count: 64 * 4), featureCount: 64)
    #expect(throws: GauntletError.self) { try Extraction.steal(session, spec: spec, thief: outside) }
    let archSpec = try ExtractionAttackSpec(parsing: "substitute:budget=10,arch=mlp:32-10")
    #expect(throws: GauntletError.self) { try Extraction.steal(session, spec: archSpec, thief: try ExtractionFixtures.thief()) }
    let dfme = try ExtractionAttackSpec(parsing: "dfme:answers=labels")
    #expect(throws: GauntletError.self) { try Extraction.steal(session, spec: dfme, thief: try ExtractionFixtures.thief()) }
    #expect(session.usage.answered.total == 0)
    #expect(throws: GauntletError.self) { try ThiefData(features: [1, 2, 3], featureCount: 2) }
    #expect(throws: GauntletError.self) { try ThiefData(features: [1, .nan], featureCount: 2) }
    #expect(throws: GauntletError.self) { try ThiefData(features: [1, 2], featureCount: 2, groups: [0, 1]) }
  }
}

@Suite struct ThiefDataTests {
  @Test func sourcesStayInTheBoxWithTheRightShape() throws {
    let train = try Datasets.digitsTrainTest().train
    for source in ThiefData.Source.allCases {
      let t = try ThiefData.make(source, domain: train.features, featureCount: 64, count: 50, box: 0...1, seed: 3)
      #expect(t.featureCount == 64)
      #expect(t.count == (source == .domain ? train.count : 50), "\(source)")
      #expect(t.features.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(source)")
      let again = try ThiefData.make(source, domain: train.features, featureCount: 64, count: 50, box: 0...1, seed: 3)
      #expect(again.features == t.features, "\(source) is seeded")
    }
    let g = try ThiefData(features: Array(train.features.prefix(64 * 200)), featureCount: 64).clustered(5)
    #expect(g.groups?.count == 200 && Set(g.groups!).count <= 5 && Set(g.groups!).count >= 2)
    #expect(throws: GauntletError.self) { try ThiefData.make(.noise, domain: [], featureCount: 64, count: 0, box: 0...1, seed: 0) }
    #expect(throws: GauntletError.self) { try g.clustered(0) }
  }

  /// A monitor that revokes the budget ends the attack early, without an error.
  @Test func revokedBudgetEndsTheAttackCleanly() throws {
    let victim = try ExtractionFixtures.victim(on: Fixtures.cpu)
    let prada = try MonitorCatalog.parse("prada:delta=0.9,min=50")
    let oracle = try Oracle(model: victim, configuration: OracleConfiguration(
      mode: .probabilities, monitors: prada, monitorAction: .revokeBudget, inputBounds: 0...1))
    let session = oracle.session(client: "thief")
    let run = try Extraction.steal(session, spec: ExtractionAttackSpec(parsing: "jbda:budget=1000,seeds=20,lambda=0.2,\(ExtractionFixtures.cheap)"),
                                   thief: ExtractionFixtures.thief(), seed: 9)
    #expect(run.result.queriesToDetection != nil)
    #expect(run.result.queries < 1000 && run.result.queries == session.usage.answered.total)
    #expect(run.result.stoppedEarly != nil)
  }
}
