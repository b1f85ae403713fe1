import ArgumentParser
import Foundation
import Gauntlet

/// `gauntlet evaluate`: runs an experiment's attack × defense × backend matrix (or one shard of it)
/// into an output folder, resumably, and writes results.json, report.html and summary.md.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Run an experiment (victim × defenses × attacks × backends) and write results.json, report.html, summary.md.",
    discussion: """
      The configuration schema is in docs/experiments.md (examples: examples/quick.json, examples/default.json). \
      Each finished cell is saved at once in OUT/cells/; rerunning the same command resumes. \
      With --shard i/n only every n-th cell runs; combine the shards' folders with `gauntlet merge`.
      """)

  @Option(help: "Experiment configuration (JSON).") var config: String
  @Option(help: "Output folder (created; an existing folder of the same experiment is resumed).") var out: String = "gauntlet-out"
  @Option(help: "Run only shard i of n (1 ≤ i ≤ n), e.g. 2/4.") var shard: String?
  @Option(help: "Override the configuration's backends, comma-separated (cpu, opencl, auto).") var backend: String?
  @Flag(help: "No progress bar or status lines (for CI).") var quiet = false

  func run() throws {
    let shardSpec = try shard.map(ShardSpec.init(parsing:)) ?? .whole
    var cfg: ExperimentConfig
    do { cfg = try ExperimentConfig.load(path: config, checkBackend: CPUBackend()) } catch let e as ConfigError {
      printError(e.description)
      throw ExitCode(2)
    }
    if let backend {
      let names = backend.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
      for n in names where !ExperimentConfig.backendNames.contains(n) {
        throw ValidationError("--backend: unknown backend '\(n)'; choose from cpu, opencl, auto")
      }
      guard Set(names).count == names.count else { throw ValidationError("--backend: '\(backend)' lists a backend twice") }
      cfg.backends = names
    }
    let runner = ExperimentRunner(config: cfg, outDirectory: out, shard: shardSpec, quiet: quiet,
                                  backend: { try BackendChoice(parsing: $0).make() })
    let s = try runner.run()
    if !quiet {
      print("\(s.ran) cell(s) run, \(s.resumed) resumed, \(s.inShard) in this shard of \(s.planned)"
            + (s.complete ? "; report: \(out)/report.html" : ""))
    }
  }
}

/// `gauntlet merge`: combines shard output folders into one folder with results.json and report.
struct MergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Combine the output folders of `gauntlet evaluate --shard i/n` runs into one results.json and report.")

  @Argument(help: "Shard output folders.") var directories: [String]
  @Option(help: "Merged output folder.") var out: String = "gauntlet-merged"

  func run() throws {
    let n = try ExperimentMerger.merge(directories, into: out)
    print("merged \(n) cells from \(directories.count) folder(s) into \(out): results.json, report.html, summary.md")
  }
}
