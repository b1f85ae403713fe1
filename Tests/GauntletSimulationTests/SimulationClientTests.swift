import Testing
import Gauntlet

@Suite("Simulation clients")
struct SimulationClientTests {
  @Test func everyEvasionKindRunsAsAClient() throws {
    var c = try SimFixtures.config(clients: 10, mix: "benign:0.5,square:0.1,simba:0.1,nes:0.1,spsa:0.1,zoo:0.1", queries: 4_000)
    c.attackSamples = 1
    c.attackSpecs = [.square: "square:eps=0.1,queries=200", .simba: "simba:eps=0.1,queries=200",
                     .nes: "nes:eps=0.1,queries=200,q=5", .spsa: "spsa:eps=0.1,queries=200,q=4",
                     .zoo: "zoo:queries=400,b=8"]
    let (r, _) = try SimFixtures.run([SimFixtures.cpu], c, monitors: "none")
    for o in r.outcome.perClient where o.kind != .benign {
      #expect(o.queries > 0, "\(o.name) sent nothing")
      #expect(o.error == nil, "\(o.name): \(o.error ?? "")")
      #expect((o.samplesAttacked ?? 0) >= 1)
      #expect(o.attack?.isEmpty == false)
    }
    #expect(r.outcome.totalQueries == 4_000)
    #expect(r.outcome.kinds.map(\.kind) == [.benign, .square, .simba, .nes, .spsa, .zoo])
  }

  @Test func revocationStopsFlaggedClients() throws {
    var c = try SimFixtures.config(clients: 12, mix: "benign:0.75,square:0.25", queries: 12_000)
    c.revokeOnAlarm = true
    let (r, _) = try SimFixtures.run([SimFixtures.cpu], c, monitors: "prada:growing=64,every=8")
    let square = r.outcome.perClient.filter { $0.kind == .square }
    #expect(square.contains { $0.flaggedAtQuery != nil })
    for o in square {
      guard let f = o.flaggedAtQuery else { continue }
      // Revoked at the alarm: nothing answered after the batch that raised it (≤ 4 rows a request).
      #expect(o.budgetExhausted)
      #expect(o.queries <= f + 1 + 4, "\(o.name) flagged at \(f) but answered \(o.queries)")
    }
  }

  @Test(arguments: SimFixtures.backends.map(\.name))
  func thievesStealThroughTheSimulation(backend: String) throws {
    let be = SimFixtures.backends.first { $0.name == backend }!
    var c = try SimFixtures.config(clients: 6, mix: "benign:0.5,knockoff:0.25,jbda:0.25", queries: 3_000)
    c.attackSpecs = [.knockoff: "knockoff:budget=300,epochs=5", .jbda: "jbda:budget=300,epochs=3,seeds=20"]
    let train = try Datasets.digitsTrainTest().train
    let sim = try Simulation(devices: [SimFixtures.device(be)], test: SimFixtures.test(),
                             monitors: MonitorCatalog.parse("prada:growing=64,every=8"), configuration: c,
                             thiefData: train.features)
    let r = try sim.run()
    let thieves = r.outcome.perClient.filter { $0.kind.isThief }
    #expect(thieves.count == 3)
    for t in thieves {
      #expect(t.error == nil, "\(t.name): \(t.error ?? "")")
      #expect(t.queries > 0 && t.queries <= 300)
      let f = try #require(t.stolenFidelity, "\(t.name) has no fidelity")
      #expect(f > 0.3 && f <= 1)
    }
    #expect(r.outcome.kinds.first { $0.kind == .knockoff }?.meanStolenFidelity != nil)
  }
}
