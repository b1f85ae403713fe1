import Foundation
import Testing
import Gauntlet

/// Shared set-up for the evaluation tests: backends (OpenCL created once, before parallel tests),
/// tiny experiment configurations, temporary folders, and comparison of results without timings.
enum EvalFixtures {
  static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
  static let openCL: Backend? = try? OpenCLBackend.shared()
  /// Backend names the tests run on: `cpu`, plus `opencl` when a platform exists (always on CI,
  /// where a missing platform then fails the run).
  static var backendNames: [String] { openCL != nil || isCI ? ["cpu", "opencl"] : ["cpu"] }

  /// Makes backends by name, reusing the shared OpenCL backend.
  static let provider: ExperimentRunner.BackendProvider = { name in
    switch name {
    case "cpu": return CPUBackend()
    case "opencl": return try OpenCLBackend.shared()
    default: return try BackendChoice(parsing: name).make()
    }
  }

  /// A small experiment: 2 defenses × (square at two ε + simba) + costs, 4 samples, short budgets.
  static func tinyConfigText(backends: [String]) -> String {
    """
    {
      "name": "tiny",
      "victim": { "recipe": "mlp:64-32-10", "epochs": 2, "seed": 1 },
      "samples": 4,
      "defenses": ["none", "round:1"],
      "attacks": [
        { "attack": "square", "eps": [0.2, 0.4], "budgets": [10, 30] },
        { "attack": "simba", "label": "simba-pixel", "eps": 0.4, "budgets": [30], "params": { "basis": "pixel" } }
      ],
      "backends": [\(backends.map { "\"\($0)\"" }.joined(separator: ", "))],
      "images": 2,
      "costSamples": 40
    }
    """
  }

  static func tinyConfig(backends: [String]) throws -> ExperimentConfig {
    try ExperimentConfig.parse(tinyConfigText(backends: backends))
  }

  /// A fresh empty temporary folder.
  static func temporaryDirectory(_ tag: String) throws -> String {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("gauntlet-eval-\(tag)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
  }

  /// `results.json` of `dir` with the only run-dependent parts (environment, cell timings) removed,
  /// re-serialised with sorted keys.
  static func deterministicResults(_ dir: String) throws -> Data {
    let data = try #require(FileManager.default.contents(atPath: dir + "/results.json"), "no results.json in \(dir)")
    var root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    root["environment"] = nil
    let cells = try #require(root["cells"] as? [[String: Any]])
    root["cells"] = cells.map { c -> [String: Any] in var c = c; c["timing"] = nil; return c }
    return try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])
  }

  /// The built `gauntlet` executable, next to the test bundle.
  static func gauntletBinary() throws -> String {
    let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    var candidates = [dir.appendingPathComponent("gauntlet").path]
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(repo.appendingPathComponent(".build/debug/gauntlet").path)
    return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) },
                        "the gauntlet executable was not found (build it: swift build --build-tests)")
  }
}
