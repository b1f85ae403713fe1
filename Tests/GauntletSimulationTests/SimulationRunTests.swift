import Testing
import Gauntlet

@Suite("Simulation runs")
struct SimulationRunTests {
  @Test(arguments: SimFixtures.backends.map(\.name))
  func sameSeedSameOutcomeAndExactTotals(backend: String) throws {
    let be = SimFixtures.backends.first { $0.name == backend }!
    let c = try SimFixtures.config()
    let (a, _) = try SimFixtures.run([be], c)
    let (b, _) = try SimFixtures.run([be], c)
    #expect(a.outcome == b.outcome)
    #expect(a.outcome.totalQueries == c.queries)
    #expect(a.outcome.perClient.reduce(0) { $0 + $1.queries } == c.queries)
    #expect(a.outcome.benignClients == 9)
    #expect(a.outcome.honestAccuracy > 0.8)
    let sq = a.outcome.perClient.filter { $0.kind == .square }
    #expect(sq.count == 3 && sq.allSatisfy { $0.queries > 0 && $0.attack != nil && $0.error == nil })
    // A different seed gives different benign traffic.
    var c2 = c
    c2.seed = 6
    let (d, _) = try SimFixtures.run([be], c2)
    #expect(d.outcome.perClient != a.outcome.perClient)
  }

  @Test func multiDeviceEqualsSingleDevice() throws {
    let c = try SimFixtures.config()
    let (single, _) = try SimFixtures.run([SimFixtures.cpu], c)
    // Two CPU backends: the batch is split between them by measured speed.
    let (two, _) = try SimFixtures.run([SimFixtures.cpu, CPUBackend()], c)
    #expect(two.devices.count == 2 && two.devices.allSatisfy { $0.rows > 0 })
    #expect(two.outcome == single.outcome)
    if let cl = SimFixtures.openCL {
      let (mixed, _) = try SimFixtures.run([SimFixtures.cpu, cl], c)
      #expect(mixed.devices.allSatisfy { $0.rows > 0 })
      #expect(mixed.outcome == single.outcome)
    }
  }

  @Test func budgetsStopClients() throws {
    var c = try SimFixtures.config(queries: 20_000)
    c.perClientBudget = 300
    let (r, _) = try SimFixtures.run([SimFixtures.cpu], c)
    for o in r.outcome.perClient {
      #expect(o.queries <= 300, "\(o.name) answered \(o.queries) > 300")
    }
    let benign = r.outcome.perClient.filter { $0.kind == .benign }
    #expect(benign.allSatisfy { $0.queries == 300 && $0.budgetExhausted })
    // Nine benign clients at 300 each plus the attackers' share: the run ends before 20 000.
    #expect(r.outcome.totalQueries == r.outcome.perClient.reduce(0) { $0 + $1.queries })
    #expect(r.outcome.totalQueries < 20_000)
  }

  @Test func perClientStateIsBounded() throws {
    // PRADA keeps at most classes·growing·features floats plus `window` distances per client,
    // whatever the number of queries; the simulator itself a few counters per client.
    let mon = "prada:growing=16,window=200,min=50,every=8"
    var bounds: [Int] = []
    for q in [3_000, 12_000] {
      let c = try SimFixtures.config(clients: 4, mix: "benign:1", queries: q)
      let (r, mons) = try SimFixtures.run([SimFixtures.cpu], c, monitors: mon)
      let prada = try #require(mons.first as? PRADAMonitor)
      let held = r.outcome.perClient.map { prada.retainedValues(for: $0.name) }
      #expect(held.allSatisfy { $0 <= 10 * 16 * (64 + 1) + 200 })
      bounds.append(held.max() ?? 0)
    }
    #expect(bounds[1] <= 10 * 16 * (64 + 1) + 200)
  }

  @Test(arguments: SimFixtures.backends.map(\.name))
  func pradaFlagsSquareAttackersNotBenignUsers(backend: String) throws {
    let be = SimFixtures.backends.first { $0.name == backend }!
    let c = try SimFixtures.config(clients: 12, mix: "benign:0.75,square:0.25", queries: 12_000)
    let (r, _) = try SimFixtures.run([be], c, monitors: "prada:growing=64,every=8")
    let benign = r.outcome.perClient.filter { $0.kind == .benign }
    let square = r.outcome.perClient.filter { $0.kind == .square }
    #expect(benign.allSatisfy { $0.flaggedAtQuery == nil }, "benign flagged: \(benign.filter { $0.flaggedAtQuery != nil }.map(\.name))")
    #expect(square.allSatisfy { $0.flaggedAtQuery != nil }, "square not flagged: \(square.filter { $0.flaggedAtQuery == nil }.map(\.name))")
    #expect(r.outcome.benignFalsePositives == 0)
    #expect(square.allSatisfy { ($0.samplesAttacked ?? 0) >= 4 && $0.error == nil })
  }
}
