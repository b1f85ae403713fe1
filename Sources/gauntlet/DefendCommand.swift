import ArgumentParser
import Foundation
import Gauntlet

/// `gauntlet defend`: what a defense chain costs honest users on the test set.
struct DefendCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "defend",
    abstract: "Measure a defense chain's cost to honest users (accuracy drop, L1 and KL distortion) on the test split.",
    discussion: "Defenses: " + DefenseCatalog.entries.map(\.name).joined(separator: ", ")
      + ". Example: --defense \"round:2,topk:3\".")

  @Option(help: "Model file (.gmodel or PyTorch-exported .safetensors).") var model: String
  @Option(help: "Defense chain, applied left to right, e.g. round:2,topk:3 or reverse-sigmoid:beta=1,gamma=0.1.")
  var defense: String
  @Option(help: "What the deployment reveals: probabilities, logits, topk:K or label.") var output: String = "probabilities"
  @OptionGroup var data: DatasetOptions
  @OptionGroup var backendOptions: BackendOptions
  @Flag(help: "Also report each defense of the chain on its own.") var report = false
  @Option(help: "Write the costs as JSON to this path.") var json: String?

  func run() throws {
    let backend = try backendOptions.make()
    let victim = try ModelLoading.load(model, on: backend)
    let mode = try OutputMode(parsing: output)
    let test = try data.trainTest().test
    let context = DefenseContext(surrogate: victim, key: 0x6A57)
    var costs = [try UtilityCost.measure(model: victim, defenses: DefenseChain(parsing: defense, context: context),
                                         dataset: test, mode: mode)]
    if report {
      // Each single defense, when the chain has several (parameters stay with their defense).
      let singles = DefenseChainSplitter.split(defense)
      if singles.count > 1 {
        for s in singles {
          costs.append(try UtilityCost.measure(model: victim, defenses: DefenseChain(parsing: s, context: context),
                                               dataset: test, mode: mode))
        }
      }
    }
    print("honest-user cost on \(test.name) (\(test.count) samples, output \(output), backend \(backend.name)):")
    for c in costs { print("  " + c.description) }
    if let json {
      let enc = JSONEncoder()
      enc.outputFormatting = [.prettyPrinted, .sortedKeys]
      try enc.encode(costs).write(to: URL(fileURLWithPath: json), options: .atomic)
    }
  }
}

/// Splits a chain spec into its defenses: a comma starts a new defense only when the next item is
/// a defense name (so `reverse-sigmoid:beta=1,gamma=0.1` stays one).
enum DefenseChainSplitter {
  static func split(_ spec: String) -> [String] {
    let names = Set(DefenseCatalog.entries.flatMap { [$0.name] + $0.aliases })
    var out: [String] = []
    for item in spec.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
      let head = String(item.split(separator: ":", maxSplits: 1).first ?? "")
      if names.contains(head) || out.isEmpty { out.append(item) } else { out[out.count - 1] += "," + item }
    }
    return out
  }
}
