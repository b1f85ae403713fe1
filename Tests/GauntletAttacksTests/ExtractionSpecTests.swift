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
