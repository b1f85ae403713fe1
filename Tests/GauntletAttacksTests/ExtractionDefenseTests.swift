import Testing
import Gauntlet

/// Each output defense moves the thief's fidelity the expected way (seeded, CPU: the direction
/// does not depend on the backend, which the attack tests cover), and monitors report detection.
@Suite("Extraction against defenses", .serialized)
struct ExtractionDefenseTests {
  enum Direction { case lower(by: Double), notHigher }

  /// Knockoff (random) with budget 150 through a defended oracle; fidelity on the test split.
  func fidelity(_ defense: String, attack: String = "knockoff", mode: OutputMode = .probabilities) throws -> Double {
    let victim = try ExtractionFixtures.victim(on: Fixtures.cpu)
    let oracle = try ExtractionFixtures.oracle(victim, mode: mode, defense: defense)
    let run = try Extraction.steal(oracle.session(client: "thief"),
                                   spec: ExtractionAttackSpec(parsing: "\(attack):budget=150,arch=mlp:64-32-10,epochs=40"),
                                   thief: ExtractionFixtures.thief(), seed: 9,
                                   evaluation: ExtractionFixtures.evaluation(victim))
    #expect(run.result.queries == 150)
    return try #require(run.result.metrics).fidelityTest
  }

  static let cases: [(defense: String, direction: Direction)] = [
    ("label-only", .notHigher),
    ("round:1", .notHigher),
    ("topk:1", .notHigher),
    ("threshold:0.9", .notHigher),
    ("deceptive:beta=1", .notHigher),
    ("reverse-sigmoid:beta=1,gamma=0.1", .lower(by: 0.04)),
    ("noise:sigma=2", .lower(by: 0.3)),
    ("mad:epsilon=1.5", .lower(by: 0.05)),
    ("dawn:rate=0.4", .lower(by: 0.10)),
  ]

  @Test func eachDefenseLowersFidelity() throws {
    let clean = try fidelity("none")
    #expect(clean > 0.75)
    for (defense, direction) in Self.cases {
      let f = try fidelity(defense)
      print("extraction defense \(defense): fidelity \(clean) → \(f)")
      switch direction {
      case let .lower(by: margin): #expect(f <= clean - margin, "\(defense): \(clean) → \(f)")
      case .notHigher: #expect(f <= clean + 0.02, "\(defense): \(clean) → \(f)")
      }
    }
  }

  /// PRADA sees JBDA's synthetic steps; the result reports queries-to-detection.
  @Test func monitorsReportDetection() throws {
    let victim = try ExtractionFixtures.victim(on: Fixtures.cpu)
    let prada = try MonitorCatalog.parse("prada:delta=0.9,min=50")
    let oracle = try ExtractionFixtures.oracle(victim, monitors: prada)
    let run = try Extraction.steal(oracle.session(client: "thief"),
                                   spec: ExtractionAttackSpec(parsing: "jbda:budget=400,seeds=20,lambda=0.2,arch=mlp:64-32-10,epochs=10"),
                                   thief: ExtractionFixtures.thief(), seed: 9)
    let detected = try #require(run.result.queriesToDetection)
    #expect(detected <= 400 && detected >= 1)
    #expect(!run.result.alarms.isEmpty)
  }
}
