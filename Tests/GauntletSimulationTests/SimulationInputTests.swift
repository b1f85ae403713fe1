import Testing
import Gauntlet

@Suite("Simulation input")
struct SimulationInputTests {
  @Test func mixParsesAndAssigns() throws {
    let mix = try ClientMix(parsing: "benign:0.95, knockoff:0.03,jbda:0.01,square:0.01")
    let kinds = try mix.assign(clients: 1000)
    #expect(kinds.count == 1000)
    #expect(kinds.filter { $0 == .benign }.count == 950)
    #expect(kinds.filter { $0 == .knockoff }.count == 30)
    #expect(kinds.filter { $0 == .square }.count == 10)
    // Largest remainder: 3 clients at 1/3 each.
    let thirds = try ClientMix(parsing: "benign:0.3333333,square:0.3333333,nes:0.3333334").assign(clients: 3)
    #expect(Set(thirds) == [.benign, .square, .nes])
  }

  @Test func badMixesAreRejected() {
    #expect(throws: SimulationError.self) { try ClientMix(parsing: "benign:0.9,square:0.05") }        // sums to 0.95
    #expect(throws: SimulationError.unknownClientKind("mallory")) { try ClientMix(parsing: "benign:0.5,mallory:0.5") }
    #expect(throws: SimulationError.self) { try ClientMix(parsing: "benign:0.5,benign:0.5") }
    #expect(throws: SimulationError.self) { try ClientMix(parsing: "benign:1.5,square:-0.5") }
    #expect(throws: SimulationError.self) { try ClientMix(parsing: "benign") }
    #expect(throws: SimulationError.self) { try ClientMix(parsing: "benign:x") }
    #expect(throws: SimulationError.self) { try ClientMix(parsing: "") }
    let e = SimulationError.badMix("fractions sum to 0.95, not 1")
    #expect(e.description.contains("0.95"))
  }

  @Test func badConfigurationsAreRejectedBeforeWork() throws {
    let mix = try ClientMix(parsing: "benign:1")
    #expect(throws: SimulationError.noClients) { try SimulationConfiguration(clients: 0, mix: mix, queries: 10).validate() }
    #expect(throws: SimulationError.noClients) { try mix.assign(clients: 0) }
    #expect(throws: SimulationError.self) { try SimulationConfiguration(clients: 3, mix: mix, queries: 0).validate() }
    var c = SimulationConfiguration(clients: 3, mix: mix, queries: 10)
    c.benignNoise = .nan
    #expect(throws: SimulationError.self) { try c.validate() }
    c = SimulationConfiguration(clients: 3, mix: mix, queries: 10)
    c.attackSpecs = [.square: "square:eps=0.1,bogus=3"]
    let dev = try SimFixtures.device(SimFixtures.cpu)
    let sq = SimulationConfiguration(clients: 3, mix: try ClientMix(parsing: "benign:0.5,square:0.5"), queries: 10)
    var badSpec = sq
    badSpec.attackSpecs = [.square: "square:eps=0.1,bogus=3"]
    #expect(throws: GauntletError.self) { try Simulation(devices: [dev], test: SimFixtures.test(), configuration: badSpec) }
    #expect(throws: SimulationError.self) { try Simulation(devices: [], test: SimFixtures.test(), configuration: sq) }
    var wrongKind = sq
    wrongKind.attackSpecs = [.square: "nes:eps=0.1"]
    #expect(throws: SimulationError.self) { try Simulation(devices: [dev], test: SimFixtures.test(), configuration: wrongKind) }
    // Score-based attackers cannot be served by a label-only deployment: refused up front.
    var labelOnly = sq
    labelOnly.mode = .label
    #expect(throws: SimulationError.self) { try labelOnly.validate() }
    var benignLabels = SimulationConfiguration(clients: 3, mix: mix, queries: 10)
    benignLabels.mode = .label
    try benignLabels.validate()
  }

  @Test func thievesWithoutThiefDataAreRejected() throws {
    let c = SimulationConfiguration(clients: 10, mix: try ClientMix(parsing: "benign:0.5,knockoff:0.5"), queries: 10)
    #expect(throws: SimulationError.self) {
      try Simulation(devices: [SimFixtures.device(SimFixtures.cpu)], test: SimFixtures.test(), configuration: c)
    }
  }

  @Test func monitorSpecsParse() throws {
    let test = try SimFixtures.test()
    let m = try SimulationMonitors.parse("prada:every=10", calibrationRows: test.features, calibrationLabels: test.labels,
                                        featureCount: 64, noise: 0.05, seed: 1)
    #expect(m.count == 1 && m[0] is PRADAMonitor)
    // A bare knn needs labelled benign rows to calibrate on.
    #expect(throws: SimulationError.self) {
      try SimulationMonitors.parse("knn", calibrationRows: test.features, calibrationLabels: [], featureCount: 64, noise: 0.05, seed: 1)
    }
    #expect(throws: GauntletError.self) {
      try SimulationMonitors.parse("prada,bogus", calibrationRows: test.features, calibrationLabels: test.labels,
                                   featureCount: 64, noise: 0.05, seed: 1)
    }
  }
}
