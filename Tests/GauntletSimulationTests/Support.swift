import Foundation
import Gauntlet

/// Fixtures for the simulation tests: a quickly trained digits MLP (CPU, copied to OpenCL), and
/// small seeded simulations.
enum SimFixtures {
  static let cpu: Backend = CPUBackend()
  static let openCL: Backend? = try? OpenCLBackend.shared()
  static var backends: [Backend] { [cpu] + (openCL.map { [$0] } ?? []) }

  private static let lock = NSLock()
  nonisolated(unsafe) private static var victims: [ObjectIdentifier: Sequential] = [:]

  /// `mlp:64-128-64-10`, 8 epochs on the digits training split, seed 1 (trained on the CPU once,
  /// then loaded onto `backend`).
  static func victim(on backend: Backend) throws -> Sequential {
    try lock.withLock {
      if let v = victims[ObjectIdentifier(backend)] { return v }
      let base: Sequential
      if let v = victims[ObjectIdentifier(cpu)] { base = v } else {
        base = try VictimRecipes.digitsMLP(on: cpu, seed: 1, epochs: 8)
        victims[ObjectIdentifier(cpu)] = base
      }
      let v = backend === cpu ? base : try Sequential.load(base.gmodel(), on: backend)
      victims[ObjectIdentifier(backend)] = v
      return v
    }
  }

  static func test() throws -> Dataset { try Datasets.digitsTrainTest().test }

  static func device(_ backend: Backend, defense: String = "round:2") throws -> SimulationDevice {
    try SimulationDevice(model: victim(on: backend), chain: DefenseChain(parsing: defense))
  }

  /// A small run: `clients` clients, `queries` rows, batch 512, bursts of 8.
  static func config(clients: Int = 12, mix: String = "benign:0.75,square:0.25", queries: Int = 6_000,
                     seed: UInt64 = 5) throws -> SimulationConfiguration {
    var c = SimulationConfiguration(clients: clients, mix: try ClientMix(parsing: mix), queries: queries)
    c.batchSize = 512; c.benignBurst = 8; c.seed = seed; c.attackSamples = 4
    c.attackSpecs = [.square: "square:eps=0.1,queries=400", .nes: "nes:eps=0.2,queries=400,q=10"]
    return c
  }

  static func run(_ backends: [Backend], _ c: SimulationConfiguration, monitors: String = "prada:growing=64,every=8",
                  defense: String = "round:2") throws -> (SimulationReport, [any QueryMonitor]) {
    let mons = try MonitorCatalog.parse(monitors)
    let sim = try Simulation(devices: backends.map { try device($0, defense: defense) }, test: test(), monitors: mons,
                             configuration: c, monitorSpec: monitors)
    return (try sim.run(), mons)
  }
}
