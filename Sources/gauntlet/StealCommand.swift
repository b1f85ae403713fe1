import ArgumentParser
import Foundation
import Gauntlet

/// `gauntlet steal`: model extraction through the oracle, with the output defenses and monitors of
/// the deployment; `--sweep` runs every attack against every defense and monitor and reports both
/// sides (the thief's accuracy, fidelity and detection; the honest users' accuracy drop).
struct StealCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "steal",
    abstract: "Steal a model through black-box queries (Knockoff, Copycat, JBDA, ActiveThief, synthesis, DFME), against defenses.",
    discussion: """
      Attacks: \(ExtractionMethod.allCases.map(\.rawValue).joined(separator: ", ")) (see docs/model-extraction.md).
      Examples:
        gauntlet steal --model victim.gmodel --attack knockoff:budget=1000 --defense "reverse-sigmoid:beta=1,gamma=0.1" --out steal.json
        gauntlet steal --model victim.gmodel --attack copycat:budget=500 --out thief.gmodel
        gauntlet steal --model victim.gmodel --sweep --budgets 100,250,1000 --out sweep.json
      """)

  @Option(help: "Victim model file.") var model: String
  @Option(name: .customLong("attack"), help: "Extraction attack spec (repeatable), e.g. knockoff:budget=1000,strategy=adaptive.")
  var attacks: [String] = []
  @Option(name: .customLong("defense"), help: "Output defense chain (repeatable in --sweep), e.g. \"round:2\" or \"reverse-sigmoid:beta=1,gamma=0.1\".")
  var defenses: [String] = []
  @Option(name: .customLong("monitor"), help: "Query monitor (repeatable in --sweep): prada[:delta=…], knn (threshold calibrated on test data) or knn:threshold=T.")
  var monitors: [String] = []
  @Option(help: "What the oracle reveals: probabilities, logits, label or topk:K.") var output: String = "probabilities"
  @Option(help: "Thief data: domain (the training split, labels dropped), noise, mixup or strokes (default: strokes for copycat, domain otherwise).")
  var thief: String?
  @Option(help: "Rows of synthetic thief data (noise, mixup, strokes).") var thiefCount: Int = 2000
  @Option(help: "Budgets for a curve, e.g. 100,250,1000 (overrides each spec's budget).") var budgets: String?
  @Flag(help: "Run every attack against every defense and monitor (defaults when none are given).") var sweep = false
  @Option(help: "Seed of the attacks and the synthetic thief data.") var seed: UInt64 = 0
  @Option(help: "L∞ ε of the PGD transfer test.") var pgdEps: Float = 0.1
  @Option(name: .customLong("out"), help: "Write results (.json) or the stolen model (.gmodel, single run only); repeatable.")
  var outs: [String] = []
  @OptionGroup var data: DatasetOptions
  @OptionGroup var backendOptions: BackendOptions

  static let sweepAttacks = ["knockoff:strategy=random", "knockoff:strategy=adaptive", "copycat", "jbda",
                             "activethief:strategy=kcenter", "genetic", "boundary", "dfme"]
  static let sweepDefenses = ["none", "label-only", "round:1", "topk:1", "threshold:0.8", "noise:sigma=0.2",
                              "reverse-sigmoid:beta=1,gamma=0.1", "mad:epsilon=1", "adaptive-misinformation:tau=0.5",
                              "deceptive:beta=1", "dawn:rate=0.1"]
  static let sweepMonitors = ["prada", "knn"]

  func validate() throws {
    guard thiefCount > 0 else { throw ValidationError("--thief-count must be > 0") }
    guard pgdEps.isFinite, pgdEps >= 0 else { throw ValidationError("--pgd-eps must be finite and ≥ 0") }
    if !sweep && (defenses.count > 1 || monitors.count > 1) {
      throw ValidationError("several --defense or --monitor values need --sweep")
    }
    if let t = thief, ThiefData.Source(rawValue: t) == nil {
      throw ValidationError("--thief must be one of \(ThiefData.Source.allCases.map(\.rawValue).joined(separator: ", "))")
    }
  }

  func run() throws {
    let backend = try backendOptions.make()
    let victim = try ModelLoading.load(model, on: backend)
    let (train, test) = try data.trainTest()
    let box = (train.features.min() ?? 0)...max((train.features.max() ?? 1), (train.features.min() ?? 0) + 1e-3)
    let mode = try OutputMode(parsing: output)
    var specs = try (attacks.isEmpty ? (sweep ? Self.sweepAttacks : ["knockoff:budget=1000"]) : attacks).map { try ExtractionAttackSpec(parsing: $0) }
    if let budgets {
      let list = try budgets.split(separator: ",").map { s -> Int in
        guard let b = Int(s.trimmingCharacters(in: .whitespaces)), b > 0 else { throw ValidationError("--budgets: '\(s)' is not a positive integer") }
        return b
      }
      specs = try specs.flatMap { s in try list.map { try s.withBudget($0) } }
    }
    var scenarios: [(defense: String, monitor: String)] = []
    if sweep {
      for d in defenses.isEmpty ? Self.sweepDefenses : defenses { scenarios.append((d, "none")) }
      for m in monitors.isEmpty ? Self.sweepMonitors : monitors { scenarios.append(("none", m)) }
    } else {
      scenarios = [(defenses.first ?? "none", monitors.first ?? "none")]
    }
    if outs.contains(where: { $0.hasSuffix(".gmodel") }) && specs.count * scenarios.count != 1 {
      throw ValidationError("--out FILE.gmodel saves one stolen model: give one attack, one budget and no --sweep")
    }
    let evaluation = try ExtractionEvaluation(victim: victim, testInputs: test.features, testLabels: test.labels, box: box,
                                              pgdEpsilon: pgdEps, seed: seed)
    var pools: [String: ThiefData] = [:]
    func pool(for spec: ExtractionAttackSpec) throws -> ThiefData {
      let name = thief ?? (spec.method == .copycat ? "strokes" : "domain")
      if let p = pools[name] { return p }
      let p = try ThiefData.make(ThiefData.Source(rawValue: name)!, domain: train.features, featureCount: train.featureCount,
                                 count: thiefCount, box: box, seed: seed)
      pools[name] = p
      return p
    }
    var costs: [String: UtilityCost] = [:]
    var rows: [StealRow] = []
    var lastModel: Sequential?
    print("attack".padding(toLength: 44, withPad: " ", startingAt: 0) + " budget  defense / monitor                  queries  acc    fid    fid-U  transf detect  honest-drop  secs")
    for (defense, monitor) in scenarios {
      let chain = try DefenseChain(parsing: defense, context: DefenseContext(surrogate: victim, key: 0x57EA1 &+ seed))
      if costs[defense] == nil {
        costs[defense] = try UtilityCost.measure(model: victim, defenses: chain, dataset: test, mode: mode)
      }
      for spec in specs {
        let monitorList = try makeMonitors(monitor, benign: test.features, featureCount: test.featureCount)
        let chainFresh = try DefenseChain(parsing: defense, context: DefenseContext(surrogate: victim, key: 0x57EA1 &+ seed))
        let oracle = try Oracle(model: victim, configuration: OracleConfiguration(
          mode: mode, defenses: chainFresh, monitors: monitorList, inputBounds: box))
        let run = try Extraction.steal(oracle.session(client: "thief"), spec: spec, thief: pool(for: spec), seed: seed,
                                       evaluation: evaluation)
        lastModel = run.substitute
        let row = StealRow(defense: defense, monitor: monitor, honest: costs[defense], result: run.result)
        rows.append(row)
        row.printLine()
      }
    }
    for path in outs {
      if path.hasSuffix(".gmodel") {
        try lastModel?.save(path: path)
        print("wrote \(path)")
      } else {
        try JSONOutput.write(StealReport(victim: model, output: mode.description, backend: backend.name, rows: rows), to: path)
      }
    }
  }

  /// Fresh monitors for one run; `knn` without a threshold is calibrated on benign (test) rows.
  func makeMonitors(_ text: String, benign: [Float], featureCount: Int) throws -> [any QueryMonitor] {
    let t = text.lowercased()
    if t == "knn" || t == "stateful-knn" {
      let threshold = try StatefulKNNMonitor.calibrate(benign: benign, featureCount: featureCount, k: 50, falsePositiveRate: 0.001, maxRows: 360)
      return [try StatefulKNNMonitor(k: 50, threshold: threshold)]
    }
    return try MonitorCatalog.parse(text)
  }
}

/// One attack × budget × defense/monitor cell of a steal run or sweep.
struct StealRow: Codable {
  var defense: String
  var monitor: String
  /// What the defense costs honest users on the test split (accuracy drop, distortion).
  var honest: UtilityCost?
  var result: ExtractionResult

  func printLine() {
    let m = result.metrics
    func pct(_ v: Double?) -> String { v.map { String(format: "%5.1f%%", $0 * 100) } ?? "   -  " }
    let scen = (defense != "none" ? defense : monitor != "none" ? "monitor " + monitor : "none")
    print(result.attack.padding(toLength: 44, withPad: " ", startingAt: 0)
          + String(format: " %6d  ", result.budget) + scen.padding(toLength: 34, withPad: " ", startingAt: 0)
          + String(format: " %6d  ", result.queries)
          + [pct(m?.testAccuracy), pct(m?.fidelityTest), pct(m?.fidelityUniform), pct(m?.transfer.victimSuccess)].joined(separator: " ")
          + " " + (result.queriesToDetection.map { String($0) } ?? "-").leftPad(6)
          + "  " + pct(honest?.accuracyDrop).leftPad(11)
          + String(format: "  %5.2f", result.seconds))
  }
}

struct StealReport: Codable {
  var victim: String
  var output: String
  var backend: String
  var rows: [StealRow]
}
