import Foundation
import GauntletCore
import GauntletOracle

extension Simulation {
  /// The report of a finished run.
  func report(perClient: [ClientOutcome], records: [ClientRecord], total: Int, batches: Int, seconds: Double,
              scheduler: DeviceScheduler) -> SimulationReport {
    let c = configuration
    let benign = records.filter { $0.kind == .benign }
    let answered = benign.reduce(0) { $0 + $1.answered }
    let fp = benign.filter { $0.flaggedAt != nil }.count
    var kindSummaries: [KindSummary] = []
    for k in ClientKind.allCases {
      let os = perClient.filter { $0.kind == k }
      guard !os.isEmpty else { continue }
      let flagged = os.compactMap(\.flaggedAtQuery)
      let attacked = os.reduce(0) { $0 + ($1.samplesAttacked ?? 0) }
      let evaded = os.reduce(0) { $0 + ($1.evasions ?? 0) }
      let fid = os.compactMap(\.stolenFidelity)
      kindSummaries.append(KindSummary(
        kind: k, clients: os.count, queries: os.reduce(0) { $0 + $1.queries }, flagged: flagged.count,
        meanQueriesToFlag: flagged.isEmpty ? nil : Double(flagged.reduce(0) { $0 + $1 + 1 }) / Double(flagged.count),
        budgetExhausted: os.filter(\.budgetExhausted).count,
        evasionSuccessRate: k.isEvasion && attacked > 0 ? Double(evaded) / Double(attacked) : nil,
        meanStolenFidelity: fid.isEmpty ? nil : fid.reduce(0, +) / Double(fid.count)))
    }
    let outcome = SimulationOutcome(
      seed: c.seed, clients: c.clients, mix: c.mix.description, defense: devices[0].chain.redactedSpec,
      monitors: monitorSpec, mode: c.mode.description, batchSize: c.batchSize, totalQueries: total, batches: batches,
      benignClients: benign.count, benignFalsePositives: fp,
      benignFalsePositiveRate: benign.isEmpty ? 0 : Double(fp) / Double(benign.count),
      honestAccuracy: answered > 0 ? Double(benign.reduce(0) { $0 + $1.correct }) / Double(answered) : 0,
      undefendedAccuracy: answered > 0 ? Double(benign.reduce(0) { $0 + $1.correctUndefended }) / Double(answered) : 0,
      kinds: kindSummaries, perClient: perClient)
    let rowsAll = Swift.max(scheduler.rowsDone.reduce(0, +), 1)
    let devs = devices.indices.map { i in
      DeviceThroughput(backend: devices[i].backend.name, rows: scheduler.rowsDone[i], busySeconds: scheduler.busySeconds[i],
                       rowsPerSecond: scheduler.busySeconds[i] > 0 ? Double(scheduler.rowsDone[i]) / scheduler.busySeconds[i] : 0,
                       share: Double(scheduler.rowsDone[i]) / Double(rowsAll))
    }
    return SimulationReport(outcome: outcome, seconds: seconds, queriesPerSecond: seconds > 0 ? Double(total) / seconds : 0,
                            devices: devs, peakResidentBytes: ProcessMemory.peakResidentBytes())
  }

  /// Indices of test samples the victim (on the first device) classifies correctly.
  func correctlyClassified(_ d: SimulationDevice) throws -> [Int] {
    let F = test.featureCount
    var out: [Int] = []
    var i = 0
    while i < test.count {
      let m = Swift.min(4096, test.count - i)
      let x = try Tensor(Array(test.features[(i * F)..<((i + m) * F)]), shape: [m] + d.model.inputShape, on: d.backend)
      let z = try d.model.logits(x).toArray()
      let p = Self.argmax(z, rows: m, cols: d.model.classCount)
      for r in 0..<m where p[r] == test.labels[i + r] { out.append(i + r) }
      i += m
    }
    return out
  }

  /// Row-wise argmax (ties to the lowest index).
  static func argmax(_ v: [Float], rows: Int, cols: Int) -> [Int32] {
    var out = [Int32](repeating: 0, count: rows)
    v.withUnsafeBufferPointer { p in
      for r in 0..<rows {
        var best = p[r * cols], bi = 0
        for j in 1..<cols where p[r * cols + j] > best { best = p[r * cols + j]; bi = j }
        out[r] = Int32(bi)
      }
    }
    return out
  }
}
