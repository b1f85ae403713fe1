import ArgumentParser
import Foundation
import Gauntlet

/// `gauntlet simulate`: a deployment in simulation — many benign and attacking clients, batched
/// onto one or more devices, behind a defense chain and monitors; writes `sim.json`.
struct SimulateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Simulate a deployment: many clients (benign and attackers) querying a victim at large batch.",
    discussion: """
      Client kinds: \(ClientKind.allCases.map(\.rawValue).joined(separator: ", ")). Evasion clients run the \
      score-based attack of that name, thieves (knockoff, jbda) the extraction attack of that name on \
      the training split, then train a substitute (default specs: \(ClientKind.allCases.compactMap(\.defaultAttackSpec).joined(separator: "; "))). \
      Example: gauntlet simulate --model victim.gmodel --clients 1000 --mix benign:0.99,square:0.01 \
      --queries 1000000 --defense round:2 --monitors prada --out sim.json
      """)

  @Option(help: "Victim model file (.gmodel or a torch export).") var model: String
  @Option(help: "Number of clients.") var clients: Int = 1000
  @Option(help: "Client mix KIND:FRACTION,… summing to 1.") var mix: String = "benign:0.99,square:0.01"
  @Option(help: "Rows answered in total.") var queries: Int = 1_000_000
  @Option(help: "Defense chain in front of the victim (default none).") var defense: String = "none"
  @Option(help: "Monitors, e.g. prada or prada,knn (knn without threshold= is calibrated on benign traffic).")
  var monitors: String = "none"
  @Option(help: "What the oracle reveals: probabilities, logits or topk:K.") var output: String = "probabilities"
  @Option(help: "Rows per backend batch.") var batch: Int = 4096
  @Option(help: "Rows per benign burst.") var burst: Int = 16
  @Option(help: "Std of the Gaussian noise benign clients add to test samples.") var noise: Float = 0.05
  @Option(help: "Rows each client may have answered (default unlimited).") var budget: Int?
  @Option(help: "Test samples each evasion client attacks.") var attackSamples: Int = 2
  @Option(help: "Attack specs overriding the defaults, ';'-separated, e.g. 'square:eps=0.1,queries=500;knockoff:budget=2000'.")
  var attacks: String?
  @Flag(help: "Monitor alarms revoke the client's budget (default: only recorded).") var revoke = false
  @Option(help: "Seed (same seed, same outcome).") var seed: UInt64 = 1
  @Option(help: "Several devices sharing each batch in proportion to speed: cpu, opencl, opencl:N, e.g. cpu,opencl.")
  var backends: String?
  @Option(help: "Write the report as JSON.") var out: String?
  @Flag(help: "No progress bar.") var quiet = false
  @OptionGroup var data: DatasetOptions
  @OptionGroup var backendOptions: BackendOptions

  func validate() throws {
    guard clients >= 1 else { throw ValidationError("--clients must be ≥ 1, got \(clients)") }
    guard queries >= 1 else { throw ValidationError("--queries must be ≥ 1, got \(queries)") }
    do { _ = try simulationConfiguration() } catch let e as SimulationError { throw ValidationError(e.description) }
    if backends != nil && (backendOptions.backend != nil || backendOptions.device != nil) {
      throw ValidationError("use either --backends LIST or --backend/--device, not both")
    }
  }

  func simulationConfiguration() throws -> SimulationConfiguration {
    var c = SimulationConfiguration(clients: clients, mix: try ClientMix(parsing: mix), queries: queries)
    c.batchSize = batch; c.benignBurst = burst; c.benignNoise = noise; c.seed = seed
    c.perClientBudget = budget; c.attackSamples = attackSamples; c.revokeOnAlarm = revoke
    c.mode = try OutputMode(parsing: output)
    for spec in (attacks ?? "").split(separator: ";") {
      let s = spec.trimmingCharacters(in: .whitespaces)
      let name = String(s.prefix { $0 != ":" })
      c.attackSpecs[try ClientKind(parsing: name)] = s
    }
    try c.validate()
    _ = try c.mix.assign(clients: clients)
    return c
  }

  /// The backends named by `--backends`, or the one of `--backend/--device`.
  func makeBackends() throws -> [Backend] {
    guard let list = backends else { return [try backendOptions.make()] }
    let items = list.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    guard !items.isEmpty, !items.contains(where: \.isEmpty) else {
      throw ValidationError("--backends '\(list)': give a comma-separated list such as cpu,opencl or opencl:0")
    }
    return try items.map { item -> Backend in
      let parts = item.split(separator: ":").map(String.init)
      let choice = try BackendChoice(parsing: parts[0])
      guard parts.count <= 2 else { throw ValidationError("--backends item '\(item)': use cpu, opencl or opencl:N") }
      if parts.count == 2 {
        guard let n = Int(parts[1]), choice == .opencl else { throw ValidationError("--backends item '\(item)': use opencl:N with N a device index") }
        return try choice.make(device: n)
      }
      return try choice.make()
    }
  }

  func run() throws {
    var config = try simulationConfiguration()
    let backends = try makeBackends()          // a bad device index fails here, before any work
    let (train, test) = try data.trainTest()
    // The deployment's input box is the data's range (the digits: [0, 1]), as `steal` takes it.
    let lo = Swift.min(train.features.min() ?? 0, test.features.min() ?? 0)
    let hi = Swift.max(train.features.max() ?? 1, test.features.max() ?? 1, lo + 1e-3)
    config.inputBounds = lo...hi
    let victim = try ModelLoading.load(model, on: backends[0])
    var devices: [SimulationDevice] = []
    for be in backends {
      let m = be === backends[0] ? victim : try Sequential.load(victim.gmodel(), on: be)
      let chain = try DefenseChain(parsing: defense, context: DefenseContext(surrogate: m, key: 0x6A57))
      devices.append(try SimulationDevice(model: m, chain: chain))
    }
    let mons = try SimulationMonitors.parse(monitors, calibrationRows: test.features, calibrationLabels: test.labels,
                                            featureCount: test.featureCount, noise: config.benignNoise, seed: config.seed)
    let sim = try Simulation(devices: devices, test: test, monitors: mons, configuration: config, monitorSpec: monitors,
                             thiefData: train.features)
    let bar = ProgressBar(total: config.queries, label: "simulate", quiet: quiet)
    let started = Date()
    sim.progress = { done, _ in
      guard bar.isActive else { return }
      let rate = Double(done) / Swift.max(Date().timeIntervalSince(started), 1e-9)
      bar.update(done, suffix: String(format: "%.0f queries/s", rate))
    }
    let report = try sim.run()
    bar.finish()
    let o = report.outcome
    print(String(format: "%d queries in %.2f s: %.0f queries/s (%@)", o.totalQueries, report.seconds, report.queriesPerSecond,
                 report.devices.map { String(format: "%@ %.0f rows/s, %.0f%%", $0.backend, $0.rowsPerSecond, $0.share * 100) }
                   .joined(separator: "; ")))
    if o.benignClients > 0 {
      print(String(format: "honest users: accuracy %.2f%% under the defenses (%.2f%% without), %d/%d benign clients flagged",
                   o.honestAccuracy * 100, o.undefendedAccuracy * 100, o.benignFalsePositives, o.benignClients))
    } else {
      print("no benign clients")
    }
    for k in o.kinds where k.kind != .benign {
      var line = "\(k.kind.rawValue): \(k.clients) clients, \(k.queries) queries, \(k.flagged) flagged"
      if let q = k.meanQueriesToFlag { line += String(format: " (after %.0f queries on average)", q) }
      if let e = k.evasionSuccessRate { line += String(format: ", evasion success %.1f%%", e * 100) }
      if let f = k.meanStolenFidelity { line += String(format: ", stolen fidelity %.1f%%", f * 100) }
      let failed = o.perClient.filter { $0.kind == k.kind && $0.error != nil }
      if let first = failed.first?.error { line += "; \(failed.count) client(s) FAILED, first: \(first)" }
      print(line)
    }
    if let m = report.peakResidentBytes { print(String(format: "peak memory %.0f MiB", Double(m) / 1_048_576)) }
    if let out { try JSONOutput.write(report, to: out) }
  }
}
