import Foundation
import GauntletCore
import GauntletDefenses
import GauntletModels
import GauntletOracle

/// An experiment: one victim, defense chains, attacks and backends; the runner expands it to the
/// full matrix of cells. The schema is documented in `docs/experiments.md`.
///
/// ```swift
/// let config = try ExperimentConfig.load(path: "examples/quick.json")   // throws ConfigError listing every problem
/// ```
public struct ExperimentConfig: Sendable, Hashable, Codable {
  public var name: String
  public var victim: VictimConfig
  /// Dataset spec; only `digits` (the embedded 8×8 digits, 80/20 split) for now.
  public var dataset: String
  /// What the oracle reveals (`probabilities`, `logits`, `top<k>`, `label`).
  public var output: String
  /// Defense chain specs (`none` for the undefended deployment).
  public var defenses: [String]
  public var attacks: [AttackConfig]
  /// Backend names (`cpu`, `opencl`, `auto`).
  public var backends: [String]
  /// Attacked samples shown per image grid.
  public var images: Int
  /// Test samples used to measure each defense's honest-user cost (nil: the whole test split).
  public var costSamples: Int?

  public static let backendNames = ["cpu", "opencl", "auto"]

  public init(name: String, victim: VictimConfig, dataset: String = "digits", output: String = "probabilities",
              defenses: [String] = ["none"], attacks: [AttackConfig], backends: [String] = ["cpu"], images: Int = 4,
              costSamples: Int? = nil) {
    self.name = name; self.victim = victim; self.dataset = dataset; self.output = output; self.defenses = defenses
    self.attacks = attacks; self.backends = backends; self.images = images; self.costSamples = costSamples
  }

  /// Reads and checks `path`. Relative model paths resolve against the file's folder.
  /// `checkBackend` (any backend) lets defenses that need a model (`mad`) be checked too.
  public static func load(path: String, checkBackend: Backend? = nil) throws -> ExperimentConfig {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigError(path: path, issues: [ConfigIssue(field: "(file)", line: 0,
                                                         message: "cannot read '\(path)': no such file or not readable")])
    }
    let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
    let fallbackName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    return try parse(String(decoding: data, as: UTF8.self), path: path, baseDirectory: base, defaultName: fallbackName,
                     checkBackend: checkBackend)
  }

  /// Parses and checks configuration text, collecting every problem into one `ConfigError`.
  public static func parse(_ text: String, path: String = "experiment.json", baseDirectory: String = ".",
                           defaultName: String = "experiment", checkBackend: Backend? = nil) throws -> ExperimentConfig {
    let root: JSONNode
    do { root = try JSONNode.parse(text) } catch let issue as ConfigIssue { throw ConfigError(path: path, issues: [issue]) }
    let sink = IssueSink()
    let config = ConfigParser(sink: sink, baseDirectory: baseDirectory, checkBackend: checkBackend)
      .experiment(root, defaultName: defaultName)
    if !sink.issues.isEmpty || config == nil {
      throw ConfigError(path: path, issues: sink.issues.sorted { ($0.line, $0.field) < ($1.line, $1.field) })
    }
    return config!
  }
}
