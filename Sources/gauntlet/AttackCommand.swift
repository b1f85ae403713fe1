import ArgumentParser
import Foundation
import Gauntlet

/// `gauntlet attack`: a score-based black-box evasion attack on a saved victim, through an oracle
/// with the chosen output mode and defense chain.
struct AttackCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "attack",
    abstract: "Run a black-box evasion attack on correctly classified test samples, through the oracle.",
    discussion: "Attacks: " + ScoreAttackSpec.names.joined(separator: ", ")
      + ". Example: --attack square:eps=0.1,queries=1000.")

  @Option(help: "Victim model file.") var model: String
  @Option(help: "Attack spec, e.g. square:eps=0.1,queries=1000 or simba:basis=dct,eps=0.2.") var attack: String
  @Option(help: "Correctly classified test samples to attack.") var samples: Int = 100
  @Option(help: "What the oracle reveals: probabilities, logits or topk:K.") var output: String = "probabilities"
  @Option(help: "Defense chain in front of the victim (default none).") var defense: String = "none"
  @Option(help: "Surrogate model for prgf (default: a digits MLP trained on the training split).") var surrogate: String?
  @Option(help: "Write per-sample results and the summary as JSON.") var out: String?
  @OptionGroup var data: DatasetOptions
  @OptionGroup var backendOptions: BackendOptions

  func validate() throws {
    guard samples > 0 else { throw ValidationError("--samples must be > 0") }
  }

  func run() throws {
    let backend = try backendOptions.make()
    let victim = try ModelLoading.load(model, on: backend)
    var surrogateModel: (any DifferentiableModel)?
    if attack.lowercased().hasPrefix("prgf") {
      surrogateModel = try surrogate.map { try ModelLoading.load($0, on: backend) }
        ?? VictimRecipes.digitsMLP(on: backend, seed: 99, epochs: 10, quiet: true)
    }
    let attacker = try ScoreAttackSpec.parse(attack, surrogate: surrogateModel)
    let chain = try DefenseChain(parsing: defense, context: DefenseContext(surrogate: victim, key: 0x6A57))
    let oracle = try Oracle(model: victim, configuration: OracleConfiguration(mode: try OutputMode(parsing: output),
                                                                               defenses: chain, inputBounds: 0...1))
    let (x, y) = try CorrectlyClassified.pick(victim: victim, from: data.trainTest().test, count: samples)
    let run = try attacker.run(oracle.session(client: "attacker"), inputs: x, labels: y)
    let s = run.summary
    print("\(s.attack) on \(s.samples) samples (\(backend.name), output \(output), defense \(defense)):")
    print(String(format: "  success %.1f%%, queries mean %.0f / median %.0f (successes: median %.0f), median L2 %.4f, median L∞ %.4f, %.3f s (%.1f samples/s)",
                 s.successRate * 100, s.meanQueries, s.medianQueries, s.medianQueriesOfSuccesses, s.medianL2,
                 s.medianLinf, s.seconds, s.samplesPerSecond))
    if let out { try JSONOutput.write(run, to: out) }
  }
}

/// The first `count` test samples the victim classifies correctly (attacks start from those).
enum CorrectlyClassified {
  static func pick(victim: Sequential, from test: Dataset, count: Int) throws -> (Tensor, [Int32]) {
    let predictions = try evaluate(model: victim, dataset: test).predictions
    let chosen = test.labels.indices.filter { predictions[$0] == test.labels[$0] }.prefix(count)
    guard !chosen.isEmpty else {
      throw GauntletError.invalidArgument(name: "samples", detail: "the victim classifies no test sample correctly")
    }
    let subset = try test.subset(Array(chosen))
    return (try Tensor(subset.features, shape: [subset.count] + subset.sampleShape, on: victim.backend), subset.labels)
  }
}

/// Pretty, sorted JSON written atomically.
enum JSONOutput {
  static func write<T: Encodable>(_ value: T, to path: String) throws {
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys]
    do { try enc.encode(value).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
      throw GauntletError.io(path: path, detail: "\(error)")
    }
    print("wrote \(path)")
  }
}
