import ArgumentParser
import Foundation
import Gauntlet

/// `gauntlet compare-attacks`: the white-box vs black-box comparison — one attack of each family at
/// the same ε and query budget on the same correctly classified test points, per backend, as one
/// table (and JSON).
struct CompareAttacksCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare-attacks",
    abstract: "Run one evasion attack of each family (white-box, score-based, decision-based, transfer) at equal ε and budget.",
    discussion: "Attacks: " + EvasionAttackSpec.names.joined(separator: ", ")
      + ". Default list: FGSM, PGD L∞ and L2, C&W, DeepFool, Square, HSJ L2 and L∞, Boundary, Sign-OPT, transfer from a"
      + " substitute. White-box attacks see the model, Square a probability oracle, the others a label-only oracle.")

  @Option(help: "Victim model file (.gmodel or PyTorch-exported .safetensors).") var model: String
  @Option(help: "L∞ radius ε.") var eps: Float = 0.1
  @Option(name: .customLong("eps-l2"), help: "L2 radius for the L2 attacks (success within it).") var epsL2: Float = 1.0
  @Option(help: "Per-sample query budget of the black-box attacks.") var queries: Int = 1_000
  @Option(help: "Correctly classified test samples to attack.") var samples: Int = 100
  @Option(help: "Backends to compare, comma-separated (cpu, opencl, auto).") var backends: String = "cpu"
  @Option(help: "Attack specs separated by ';' (default: one of each family at --eps / --eps-l2 / --queries).") var attacks: String?
  @Option(help: "Substitute model for transfer (default: an MLP trained quickly on the victim's labels of the training split).")
  var substitute: String?
  @Option(help: "Write the rows as JSON to this path.") var json: String?
  @Option(name: .customLong("export-peer"), help: "Also export victim.safetensors, points_x.npy, points_y.npy and gauntlet-evasion.json here for bench/peers/art_evasion.py.")
  var exportPeer: String?
  @OptionGroup var data: DatasetOptions

  func validate() throws {
    guard samples > 0 else { throw ValidationError("--samples must be > 0") }
    guard eps > 0, epsL2 > 0, eps.isFinite, epsL2.isFinite else { throw ValidationError("--eps and --eps-l2 must be finite and > 0") }
    guard queries > 0, queries <= 100_000_000 else { throw ValidationError("--queries must lie in 1…100 000 000 per sample, got \(queries)") }
  }

  func run() throws {
    let specs = try attacks.map { text in
      text.split(whereSeparator: { $0 == ";" || $0 == "\n" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    } ?? AttackComparison.defaultSpecs(epsilon: eps, epsilonL2: epsL2, queries: queries)
    guard !specs.isEmpty else { throw ValidationError("--attacks holds no attack") }
    let choices = try backends.split(separator: ",").map { name -> BackendChoice in
      guard let c = BackendChoice(argument: String(name)) else { throw ValidationError("unknown backend '\(name)': use cpu, opencl or auto") }
      return c
    }
    let (train, test) = try data.trainTest()
    let needsSubstitute = specs.contains { $0.lowercased().hasPrefix("transfer") }
    let needsSurrogate = specs.contains { $0.lowercased().hasPrefix("prgf") }
    var all = [ComparisonRow]()
    for (b, choice) in choices.enumerated() {
      let backend = try choice.make(device: nil)
      let victim = try ModelLoading.load(model, on: backend)
      let (x, y) = try CorrectlyClassified.pick(victim: victim, from: test, count: samples)
      var sub: Sequential?
      if needsSubstitute || needsSurrogate {
        if let substitute { sub = try ModelLoading.load(substitute, on: backend) } else {
          let t0 = Date()
          sub = try Substitute.train(victim: victim, on: train, backend: backend)
          printError(String(format: "trained a substitute on the victim's labels of %d training samples (%.1f s)", train.count, Date().timeIntervalSince(t0)))
        }
      }
      print("\(y.count) samples, ε = \(eps) (L∞), \(epsL2) (L2), \(queries) queries per sample, backend \(backend.name):")
      let rows = try AttackComparison.run(specs, victim: victim, inputs: x, labels: y, surrogate: sub, substitute: sub) { row in
        printError("  done: \(row.summary.attack) in \(String(format: "%.2f", row.summary.seconds)) s")
      }
      print(AttackComparison.table(rows))
      all += rows
      if b == 0, let dir = exportPeer {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try victim.exportTorch(path: dir + "/victim.safetensors")
        try NPYWriter.write(path: dir + "/points_x.npy", shape: [y.count, x.cols], values: x.toArray())
        try NPYWriter.write(path: dir + "/points_y.npy", shape: [y.count], values: y.map(Float.init))
        try JSONOutput.write(rows, to: dir + "/gauntlet-compare.json")
        try PeerExport.run(victim: victim, x: x, y: y, eps: eps, queries: queries, to: dir + "/gauntlet-evasion.json")
      }
    }
    if let json { try JSONOutput.write(all, to: json) }
  }
}

/// The runs `bench/peers/art_evasion.py` compares with ART: per attack its summary and, per sample,
/// success, norms and queries (the script scores success within ε on both sides the same way).
enum PeerExport {
  struct Sample: Codable { var success: Bool; var l2: Float; var linf: Float; var queries: Int; var finalLabel: Int32 }
  struct Entry: Codable { var spec: String; var summary: AttackSummary; var samples: [Sample] }

  static func run(victim: Sequential, x: Tensor, y: [Int32], eps: Float, queries: Int, to path: String) throws {
    var out = [String: Entry]()
    for (key, spec) in AttackComparison.peerSpecs(epsilon: eps, queries: queries) {
      let attack = try EvasionAttackSpec.parse(spec)
      let mode: OutputMode = attack.family == .scoreBased ? .probabilities : .label
      let oracle = try Oracle(model: victim, configuration: OracleConfiguration(mode: mode, inputBounds: 0...1))
      let run = try attack.run(inputs: x, labels: y, model: victim, oracle: oracle.session(client: key))
      out[key] = Entry(spec: spec, summary: run.summary, samples: run.samples.map {
        Sample(success: $0.success, l2: $0.l2, linf: $0.linf, queries: $0.totalQueries, finalLabel: $0.finalLabel)
      })
      printError(String(format: "  peer export: %@ %.3f s", key, run.summary.seconds))
    }
    try JSONOutput.write(out, to: path)
  }
}

/// A quick substitute: an MLP trained on the victim's own labels of the training split (the labels
/// an attacker gets by querying; the victim's weights are not used).
enum Substitute {
  static func train(victim: Sequential, on train: Dataset, backend: Backend) throws -> Sequential {
    let d = victim.inputShape.reduce(1, *), k = victim.classCount
    let oracle = try Oracle(model: victim, configuration: OracleConfiguration(mode: .label))
    let answer = try oracle.query(train.features, client: "substitute-labelling", purpose: .other)
    let labelled = try Dataset(name: "\(train.name)-victim-labels", features: train.features, labels: answer.labels,
                               sampleShape: [d], classCount: k)
    let model = try ModelSpec(parsing: "mlp:\(d)-128-64-\(k)").build(on: backend, seed: 7)
    _ = try GauntletModels.train(model: model, on: backend, dataset: labelled, epochs: 15, batchSize: 32, seed: 7,
                                 optimizer: try Adam(learningRate: 2e-3), quiet: true)
    return model
  }
}
