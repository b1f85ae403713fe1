import Dispatch
import Foundation
import GauntletAttacks
import GauntletCore
import GauntletData
import GauntletOracle

/// A deployment in simulation: many clients, each a stream of queries, interleaved into large
/// batches for the backend(s), answered through the defense chain, watched by the monitors and
/// accounted per client.
///
/// Each round the loop (1) fills the batch with bursts of `benignBurst` rows from benign clients
/// in round-robin order (each benign client at most once per batch), leaving room for as many
/// attacker rows as the last round had, (2) waits until every attacker thread has either
/// submitted its next request or finished (`QueryGateway`) and appends those rows, (3) answers the batch on the devices (`DeviceScheduler`: split by
/// measured speed, forward pass, defense chain), (4) hands attackers their raw logits (their own
/// oracle applies the chain, the monitors and the ledger) and (5) feeds benign rows to the
/// monitors (clients in parallel) and accounts them. The run stops after exactly `queries` rows
/// (or when every client is done).
///
/// Memory does not grow with the number of queries: buffers are reused, per-client state is a few
/// counters (`ClientRecord`), monitors bound their histories, attackers hold only their samples.
/// Deterministic: the same seed gives the same `SimulationOutcome`.
///
/// ```swift
/// let device = try SimulationDevice(model: victim, chain: try DefenseChain(parsing: "round:2"))
/// let sim = try Simulation(devices: [device], test: test, monitors: try MonitorCatalog.parse("prada"),
///                          configuration: SimulationConfiguration(clients: 100, mix: try ClientMix(parsing: "benign:1"),
///                                                                 queries: 100_000))
/// let report = try sim.run()
/// ```
public final class Simulation {
  public let configuration: SimulationConfiguration
  public let devices: [SimulationDevice]
  public let monitors: [any QueryMonitor]
  public let test: Dataset
  /// What thieves query (row-major, the model's features): the training split in the CLI.
  public let thiefData: [Float]?
  /// The kind of each client, in client order.
  public let kinds: [ClientKind]
  /// Text of the monitors for the report.
  public var monitorSpec: String
  /// Called after each batch with (rows answered so far, rows in total).
  public var progress: ((Int, Int) -> Void)?

  private let attackSpecs: [ClientKind: String]

  public init(devices: [SimulationDevice], test: Dataset, monitors: [any QueryMonitor] = [],
              configuration: SimulationConfiguration, monitorSpec: String? = nil, thiefData: [Float]? = nil) throws {
    try configuration.validate()
    guard let first = devices.first else {
      throw SimulationError.badParameter(name: "devices", detail: "need at least one device")
    }
    let F = first.model.inputShape.reduce(1, *)
    guard test.featureCount == F, test.count > 0 else {
      throw SimulationError.badParameter(name: "test data", detail: "need samples of \(F) features (the model's input), got \(test.count) of \(test.featureCount)")
    }
    kinds = try configuration.mix.assign(clients: configuration.clients)
    if let thief = kinds.first(where: \.isThief) {
      guard let t = thiefData, !t.isEmpty, t.count % F == 0 else {
        throw SimulationError.unavailableClientKind(thief.rawValue, reason: "thief clients need thief data (rows of \(F) features): pass thiefData (the CLI uses the training split)")
      }
      if let bad = t.firstIndex(where: { !configuration.inputBounds.contains($0) }) {
        throw SimulationError.badParameter(name: "thief data", detail: "value \(t[bad]) at \(bad) is outside the input box \(configuration.inputBounds)")
      }
    }
    var specs: [ClientKind: String] = [:]
    for k in Set(kinds) where k != .benign {
      let s = configuration.attackSpec(k)!
      if k.isThief {
        let spec = try ExtractionAttackSpec(parsing: s)
        guard spec.method.rawValue == k.rawValue else {
          throw SimulationError.badParameter(name: "attack spec", detail: "'\(s)' is not a \(k.rawValue) spec")
        }
      } else {
        guard ScoreAttackSpec.names.contains(String(s.prefix { $0 != ":" }).lowercased()),
              String(s.prefix { $0 != ":" }).lowercased() == k.rawValue else {
          throw SimulationError.badParameter(name: "attack spec", detail: "'\(s)' is not a \(k.rawValue) spec")
        }
        _ = try ScoreAttackSpec.parse(s)
      }
      specs[k] = s
    }
    self.thiefData = thiefData
    attackSpecs = specs
    self.configuration = configuration; self.devices = devices; self.monitors = monitors; self.test = test
    self.monitorSpec = monitorSpec ?? (monitors.isEmpty ? "none" : monitors.map(\.name).joined(separator: ","))
  }

  /// Runs the simulation (blocking) and reports.
  public func run() throws -> SimulationReport {
    let c = configuration
    let scheduler = try DeviceScheduler(devices: devices)
    let F = scheduler.featureCount, K = scheduler.classCount
    let primary = devices[0]
    let traffic = BenignTraffic(features: test.features, labels: test.labels, featureCount: F, sigma: c.benignNoise,
                                bounds: c.inputBounds, seed: c.seed)
    var records = kinds.enumerated().map { i, k -> ClientRecord in
      var s = c.seed ^ (UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
      _ = BenignTraffic.next(&s)
      return ClientRecord(name: "\(k.rawValue)-\(String(i).leftPadded(5))", kind: k, rng: s)
    }
    let benign = kinds.indices.filter { kinds[$0] == .benign }
    let attackerClients = kinds.indices.filter { kinds[$0] != .benign }

    // Attackers: their samples, attacks and oracles, built before anything runs.
    let monitors = self.monitors
    func oracle(_ model: GatewayClassifier) throws -> Oracle {
      try Oracle(model: model, configuration: OracleConfiguration(
        mode: c.mode, defenses: primary.chain, monitors: monitors, monitorAction: c.revokeOnAlarm ? .revokeBudget : .record,
        budget: QueryBudget(perClient: c.perClientBudget), inputBounds: c.inputBounds))
    }
    let gateway = QueryGateway(attackers: attackerClients.count)
    var attackers: [any GatewayClient] = []
    let thief = try thiefData.map { try ThiefData(features: $0, featureCount: F, name: "thief-data") }
    if !attackerClients.isEmpty {
      let correct = try correctlyClassified(primary)
      guard !correct.isEmpty else {
        throw SimulationError.badParameter(name: "test data", detail: "the victim classifies no test sample correctly: nothing to attack")
      }
      for (slot, ci) in attackerClients.enumerated() {
        let clientSeed = c.seed &+ UInt64(ci) &* 7919
        if kinds[ci].isThief {
          let model = GatewayClassifier(backend: primary.backend, inputShape: primary.model.inputShape, classCount: K,
                                        slot: slot, gateway: gateway)
          attackers.append(ThiefClient(slot: slot, client: ci, name: records[ci].name,
                                       spec: try ExtractionAttackSpec(parsing: attackSpecs[kinds[ci]]!), thief: thief!,
                                       seed: clientSeed, oracle: try oracle(model), model: model))
          continue
        }
        var spec = attackSpecs[kinds[ci]]!
        if !spec.lowercased().contains("seed=") {
          spec += (spec.contains(":") ? "," : ":") + "seed=\(clientSeed)"
        }
        let attack = try ScoreAttackSpec.parse(spec)
        let A = c.attackSamples, attackerCount = attackerClients.count, inputShape = primary.model.inputShape
        let backend = primary.backend, features = test.features, testLabels = test.labels
        let samples: @Sendable (Int) throws -> (Tensor, [Int32]) = { round in
          let picks = (0..<A).map { correct[((round * attackerCount + slot) * A + $0) % correct.count] }
          var xs: [Float] = []
          for p in picks { xs += features[(p * F)..<((p + 1) * F)] }
          return (try Tensor(xs, shape: [picks.count] + inputShape, on: backend), picks.map { testLabels[$0] })
        }
        let model = GatewayClassifier(backend: primary.backend, inputShape: primary.model.inputShape, classCount: K,
                                      slot: slot, gateway: gateway)
        attackers.append(AttackerClient(slot: slot, client: ci, name: records[ci].name, attack: attack, oracle: try oracle(model),
                                        model: model, samples: samples))
      }
    }
    for a in attackers { a.start(gateway) }

    struct Segment {
      let client: Int
      let start: Int
      let count: Int
      let request: QueryGateway.Request?
    }
    var rows = [Float](repeating: 0, count: c.batchSize * F)
    var truth = [Int32](repeating: 0, count: c.batchSize)
    var segments: [Segment] = []
    var total = 0, batches = 0, cursor = 0
    var liveBenign = benign.count
    let workers = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
    let start = DispatchTime.now().uptimeNanoseconds
    var waiting: [QueryGateway.Request] = []
    var monitorJob: MonitorJob?
    let revoke = c.revokeOnAlarm
    func note(_ job: MonitorJob, _ records: inout [ClientRecord], _ live: inout Int) {
      for (s, found) in zip(job.segments, job.wait()) where !found.isEmpty {
        records[s.client].note(found)
        if revoke && !records[s.client].exhausted { records[s.client].exhausted = true; live -= 1 }
      }
    }

    do {
      var lastAttackerRows = 0
      while true {
        if total >= c.queries { break }
        segments.removeAll(keepingCapacity: true)
        var n = 0
        // 1. Benign bursts, round robin, each benign client at most once per batch, leaving room for
        //    as many attacker rows as the last round had. Filled while the attackers compute their
        //    next requests.
        var room = Swift.min(c.batchSize - lastAttackerRows, c.queries - total)
        var visited = 0
        while room > 0 && liveBenign > 0 && visited < benign.count {
          let ci = benign[cursor]
          cursor = (cursor + 1) % benign.count
          visited += 1
          if records[ci].exhausted { continue }
          var burst = Swift.min(c.benignBurst, room)
          if let b = c.perClientBudget { burst = Swift.min(burst, b - records[ci].answered) }
          if burst <= 0 { records[ci].exhausted = true; liveBenign -= 1; continue }
          rows.withUnsafeMutableBufferPointer { dst in
            for j in 0..<burst { truth[n + j] = traffic.fill(&records[ci].rng, into: dst.baseAddress! + (n + j) * F) }
          }
          segments.append(Segment(client: ci, start: n, count: burst, request: nil))
          n += burst; room -= burst
        }
        // 2. Attackers' requests, whole, in slot order (refused when they would pass the total).
        waiting = gateway.quiescent()
        var attackerRows = 0
        for r in waiting {
          let m = r.rows.count / F
          if total + n + m > c.queries {
            r.result = .failure(GauntletError.budgetExhausted(client: "(simulation)", limit: c.queries, requested: m, used: total + n))
            r.done.signal()
            continue
          }
          if rows.count < (n + m) * F { rows += [Float](repeating: 0, count: (n + m) * F - rows.count) }
          if truth.count < n + m { truth += [Int32](repeating: 0, count: n + m - truth.count) }
          rows.withUnsafeMutableBufferPointer { dst in
            r.rows.withUnsafeBufferPointer { src in
              (dst.baseAddress! + n * F).update(from: src.baseAddress!, count: m * F)
            }
          }
          segments.append(Segment(client: attackerClients[r.slot], start: n, count: m, request: r))
          n += m; attackerRows += m
        }
        lastAttackerRows = attackerRows
        waiting.removeAll { r in segments.contains { $0.request === r } == false }
        if n == 0 {
          if waiting.isEmpty && gateway.allFinished { break }
          continue
        }
        // 3. Answer.
        let answers = try scheduler.answer(rows, count: n)
        // 4. Attackers get raw logits (their oracle applies the defenses).
        for s in segments { if let r = s.request {
          r.result = .success(Array(answers.logits[(s.start * K)..<((s.start + s.count) * K)]))
          r.done.signal()
        } }
        waiting.removeAll()
        // 5. Benign rows: labels, monitors (clients in parallel), accounting.
        let labels = Self.argmax(answers.defended, rows: n, cols: K)
        let raw = Self.argmax(answers.logits, rows: n, cols: K)
        let benignSegments = segments.filter { $0.request == nil }
        // Alarms of the previous batch (its job overlapped this batch's forward pass).
        if let job = monitorJob { note(job, &records, &liveBenign); monitorJob = nil }
        if !monitors.isEmpty && !benignSegments.isEmpty {
          let segs = benignSegments.map {
            MonitorJob.Segment(client: $0.client, name: records[$0.client].name, firstQueryIndex: records[$0.client].answered,
                               start: $0.start, count: $0.count)
          }
          monitorJob = MonitorJob(monitors: monitors, segments: segs, rows: rows, labels: labels, featureCount: F,
                                  workers: workers, async: !c.revokeOnAlarm)
          if c.revokeOnAlarm { note(monitorJob!, &records, &liveBenign); monitorJob = nil }
        }
        for s in benignSegments {
          var rec = records[s.client]
          for r in s.start..<(s.start + s.count) {
            if labels[r] == truth[r] { rec.correct += 1 }
            if raw[r] == truth[r] { rec.correctUndefended += 1 }
          }
          rec.answered += s.count
          if let b = c.perClientBudget, rec.answered >= b, !rec.exhausted { rec.exhausted = true; liveBenign -= 1 }
          records[s.client] = rec
        }
        total += n; batches += 1
        progress?(total, c.queries)
      }
    } catch {
      _ = monitorJob?.wait()
      gateway.closeAndDrain(waiting)
      throw error
    }
    if let job = monitorJob { note(job, &records, &liveBenign) }
    gateway.closeAndDrain(waiting)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9

    // Outcomes.
    var perClient: [ClientOutcome] = records.map { r in
      ClientOutcome(name: r.name, kind: r.kind, queries: r.answered, flaggedAtQuery: r.flaggedAt, flaggedBy: r.flaggedBy,
                    alarms: r.alarms, budgetExhausted: r.kind == .benign && r.exhausted,
                    accuracy: r.kind == .benign && r.answered > 0 ? Double(r.correct) / Double(r.answered) : nil)
    }
    for a in attackers {
      let usage = a.oracle.usage(of: a.name)
      var o = perClient[a.client]
      o.queries = a.model.rowsAnswered
      o.alarms = usage.alarms.count
      if let first = usage.alarms.min(by: { $0.queryIndex < $1.queryIndex }) {
        o.flaggedAtQuery = first.queryIndex; o.flaggedBy = first.monitor
      }
      o.budgetExhausted = usage.refusedRows > 0
      o.attack = a.attackName
      o.error = a.failure
      if let e = a as? AttackerClient {
        o.samplesAttacked = e.attacked
        o.evasions = e.evasions
      }
      if let t = a as? ThiefClient, let run = t.run {
        let evaluation = try ExtractionEvaluation(victim: primary.model, testInputs: test.features, testLabels: test.labels,
                                                  box: c.inputBounds, uniformSamples: 100, transferSamples: 0, seed: c.seed)
        o.stolenFidelity = try evaluation.measure(run.substitute).fidelityTest
      }
      perClient[a.client] = o
    }
    return report(perClient: perClient, records: records, total: total, batches: batches, seconds: seconds,
                  scheduler: scheduler)
  }
}

extension String {
  func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
