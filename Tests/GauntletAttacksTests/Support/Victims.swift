import Foundation
import Testing
import Gauntlet

/// Shared fixtures for the attack tests: backends, the trained digits victim per backend (trained
/// once, lazily), and the first correctly classified digits test points.
enum Fixtures {
  static let cpu: Backend = CPUBackend()
  static let openCL: Backend? = try? OpenCLBackend.shared()
  static var backends: [Backend] { [cpu] + (openCL.map { [$0] } ?? []) }
  static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

  private static let lock = NSLock()
  nonisolated(unsafe) private static var victims: [ObjectIdentifier: Sequential] = [:]
  nonisolated(unsafe) private static var surrogates: [ObjectIdentifier: Sequential] = [:]

  /// `VictimRecipes.digitsMLP(seed: 1)` on `backend`.
  static func victim(on backend: Backend) throws -> Sequential {
    try lock.withLock {
      if let v = victims[ObjectIdentifier(backend)] { return v }
      let v = try VictimRecipes.digitsMLP(on: backend, seed: 1)
      victims[ObjectIdentifier(backend)] = v
      return v
    }
  }

  /// A second digits MLP (seed 2): P-RGF's surrogate.
  static func surrogate(on backend: Backend) throws -> Sequential {
    try lock.withLock {
      if let v = surrogates[ObjectIdentifier(backend)] { return v }
      let v = try VictimRecipes.digitsMLP(on: backend, seed: 2)
      surrogates[ObjectIdentifier(backend)] = v
      return v
    }
  }

  /// The first `n` test points the victim classifies correctly: `[n, 64]` and labels.
  static func points(_ n: Int, on backend: Backend) throws -> (x: Tensor, y: [Int32]) {
    let (_, test) = try Datasets.digitsTrainTest()
    let v = try victim(on: backend)
    let all = try Tensor(test.features, shape: [test.count, test.featureCount], on: backend)
    let pred = try v.predictions(all)
    var xs: [Float] = [], ys: [Int32] = []
    for i in 0..<test.count where pred[i] == Int(test.labels[i]) && ys.count < n {
      xs += test.features[(i * 64)..<((i + 1) * 64)]; ys.append(test.labels[i])
    }
    return (try Tensor(xs, shape: [ys.count, 64], on: backend), ys)
  }

  static func oracle(on backend: Backend, mode: OutputMode = .logits, budget: Int? = nil) throws -> Oracle {
    try Oracle(model: victim(on: backend), configuration: OracleConfiguration(
      mode: mode, budget: QueryBudget(perClient: budget), inputBounds: 0...1))
  }
}
