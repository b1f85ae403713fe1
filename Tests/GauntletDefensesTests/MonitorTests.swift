import Foundation
import Testing
@testable import Gauntlet

/// Seeded synthetic traffic for the monitor tests.
enum Traffic {
  /// Jacobian-based dataset augmentation as in Papernot et al. (AsiaCCS 2017), with random sign
  /// directions: start from `seeds`, and each round add `clamp(x + λ·s, 0, 1)` for every query
  /// so far (`s` a random ±1 vector). The extraction traffic PRADA was designed against.
  static func augmentation(seeds: [[Float]], count: Int, lambda: Float, seed: UInt64) -> [Float] {
    var set = seeds
    var round: UInt64 = 0
    while set.count < count {
      let current = set
      for (i, x) in current.enumerated() where set.count < count {
        let s = Philox.fill(.rademacher, key: PhiloxKey(seed: seed, stream: round << 32 | UInt64(i)), counter: 0, count: x.count)
        set.append(zip(x, s).map { min(1, max(0, $0 + lambda * $1)) })
      }
      round += 1
    }
    return set.flatMap { $0 }
  }

  /// A query-based evasion attack's stream: a random walk of small Gaussian steps from `start`.
  static func randomWalk(from start: [Float], count: Int, step: Float, seed: UInt64) -> [Float] {
    var x = start, out: [Float] = []
    for t in 0..<count {
      let n = Philox.fill(.normal(mean: 0, std: step), key: PhiloxKey(seed: seed, stream: UInt64(t)), counter: 0, count: x.count)
      x = zip(x, n).map { min(1, max(0, $0 + $1)) }
      out += x
    }
    return out
  }
}

@Suite("Query monitors")
struct MonitorTests {
  let data: Clusters
  let model: LinearModel
  let benign: [[Float]]
  init() throws {
    data = Clusters(classes: 4, featureCount: 8, perClass: 150, spread: 0.12, seed: 31)
    model = try LinearModel(means: data.means, sharpness: 12)
    benign = try MonitorEvaluation.benignStreams(from: data.features, featureCount: 8, count: 10, length: 400, seed: 5)
  }

  @Test func pradaCatchesSyntheticExtractionQueriesAndSparesBenignUsers() throws {
    let attack = Traffic.augmentation(seeds: (0..<10).map { data.row($0) }, count: 600, lambda: 0.1, seed: 3)
    let report = try MonitorEvaluation.evaluate(makeMonitor: { try PRADAMonitor(delta: 0.9) }, model: model,
                                                attack: attack, benign: benign)

    let delay = try #require(report.detectionDelay)
    #expect(delay <= 300)
    #expect(report.falsePositiveRate == 0)
  }

  @Test func statefulKNNCatchesEvasionStreamsAndSparesBenignUsers() throws {
    // Calibrate on the whole benign distribution (denser than any one client's buffer), at the
    // lowest benign k-NN distance.
    let threshold = try StatefulKNNMonitor.calibrate(benign: data.features, featureCount: 8, k: 20, falsePositiveRate: 0)
    let attack = Traffic.randomWalk(from: data.row(7), count: 300, step: 0.01, seed: 4)
    let report = try MonitorEvaluation.evaluate(makeMonitor: { try StatefulKNNMonitor(k: 20, threshold: threshold, bufferSize: 400) },
                                                model: model, attack: attack, benign: benign, batchSize: 25)

    let delay = try #require(report.detectionDelay)
    #expect(delay <= 25)
    #expect(report.falsePositiveRate == 0)
  }

  @Test func queryRateMonitorFlagsBurstsNotSteadyUsers() throws {
    let attack = Array(data.features.prefix(500 * 8))
    let report = try MonitorEvaluation.evaluate(makeMonitor: { try QueryRateMonitor(window: 60, maxRows: 120) }, model: model,
                                                attack: attack, benign: benign, batchSize: 10,
                                                attackInterval: 0.05, benignInterval: 1)

    #expect(report.detectionDelay == 121)
    #expect(report.falsePositiveRate == 0)
  }
}

@Suite("Query monitor state")
struct MonitorStateTests {
  func batch(_ client: String, _ rows: [Float], labels: [Int32], first: Int, time: Double = 0) -> MonitoredBatch {
    MonitoredBatch(client: client, inputs: rows, featureCount: 4, labels: labels, firstQueryIndex: first, time: time)
  }

  @Test func pradaMemoryIsBoundedAndRepeatedQueriesAreFlagged() throws {
    let prada = try PRADAMonitor(delta: 0.9, minimumDistances: 20, window: 50, maxGrowingSetSize: 5)
    let x = values(600 * 4, seed: 2)
    for i in 0..<600 {
      _ = prada.observe(batch("a", Array(x[(i * 4)..<((i + 1) * 4)]), labels: [Int32(i % 3)], first: i))
    }
    #expect(prada.retainedValues(for: "a") <= 3 * 5 * (4 + 1) + 50)
    // one query repeated: every distance is 0
    var alarms: [MonitorAlarm] = []
    for i in 0..<30 { alarms += prada.observe(batch("r", [0.5, 0.5, 0.5, 0.5], labels: [1], first: i)) }
    #expect(alarms.count == 1 && alarms[0].queryIndex == 20 && alarms[0].statistic == 0)
    prada.reset(client: "r")
    #expect(prada.retainedValues(for: "r") == 0)
  }

  @Test func knnBufferIsBoundedAndClearedOnDetection() throws {
    let knn = try StatefulKNNMonitor(k: 3, threshold: 0.05, bufferSize: 10)
    let x = values(100 * 4, seed: 3)
    for i in 0..<100 { #expect(knn.observe(batch("b", Array(x[(i * 4)..<((i + 1) * 4)]), labels: [0], first: i)).isEmpty) }
    #expect(knn.retainedValues(for: "b") == 40)
    var alarms: [MonitorAlarm] = []
    for i in 0..<8 { alarms += knn.observe(batch("c", [0.1, 0.2, 0.3, 0.4], labels: [0], first: i)) }
    #expect(alarms.map(\.queryIndex) == [3, 6])           // flagged once k neighbours exist; buffer cleared each time
    #expect(throws: GauntletError.self) { try StatefulKNNMonitor(k: 0, threshold: 1) }
    #expect(throws: GauntletError.self) { try StatefulKNNMonitor(k: 5, threshold: 1, bufferSize: 4) }
  }

  @Test func rateMonitorReArmsAfterTheBurst() throws {
    let rate = try QueryRateMonitor(window: 10, maxRows: 5, buckets: 10)
    var alarms: [MonitorAlarm] = []
    let row: [Float] = [0, 0, 0, 0]
    for i in 0..<8 { alarms += rate.observe(batch("c", row, labels: [0], first: i, time: Double(i) * 0.1)) }
    #expect(alarms.map(\.queryIndex) == [5])
    alarms += rate.observe(batch("c", row, labels: [0], first: 8, time: 100))       // quiet again: re-armed
    for i in 9..<20 { alarms += rate.observe(batch("c", row, labels: [0], first: i, time: 100 + Double(i) * 0.01)) }
    #expect(alarms.map(\.queryIndex) == [5, 13])
  }

  @Test func monitorsHandleConcurrentClients() async throws {
    let rate = try QueryRateMonitor(window: 60, maxRows: 100)
    let prada = try PRADAMonitor(delta: 0.9)
    let model = try LinearModel(features: 4, classes: 3, seed: 1)
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(monitors: [rate, prada]))
    let x = values(10 * 4, seed: 5, lo: 0, hi: 1)
    await withTaskGroup(of: Void.self) { g in
      for t in 0..<16 { g.addTask { for _ in 0..<15 { _ = try? oracle.query(x, client: "c\(t % 4)") } } }
    }
    for c in 0..<4 {
      let u = oracle.usage(of: "c\(c)")
      #expect(u.answered.total == 600)
      #expect(u.alarms.filter { $0.monitor == "query-rate" }.count == 1)
    }
  }

  @Test func badMonitorParametersAreRejected() {
    #expect(throws: GauntletError.self) { try PRADAMonitor(delta: 1) }
    #expect(throws: GauntletError.self) { try PRADAMonitor(minimumDistances: 2) }
    #expect(throws: GauntletError.self) { try PRADAMonitor(window: 6000) }
    #expect(throws: GauntletError.self) { try QueryRateMonitor(window: -1, maxRows: 3) }
    #expect(throws: GauntletError.self) { try StatefulKNNMonitor.calibrate(benign: [1, 2, 3], featureCount: 2, k: 1) }
    #expect(throws: GauntletError.self) {
      try MonitorEvaluation.benignStreams(from: [1, 2, 3], featureCount: 2, count: 1, length: 1, seed: 0)
    }
  }

  @Test func benignStreamsArePermutations() throws {
    let data = (0..<20).map(Float.init)
    let s = try MonitorEvaluation.benignStreams(from: data, featureCount: 2, count: 3, length: 10, seed: 1)
    #expect(s.count == 3 && s.allSatisfy { Set($0) == Set(data) })
    #expect(s[0] != s[1])
    let long = try MonitorEvaluation.benignStreams(from: data, featureCount: 2, count: 1, length: 25, seed: 1)
    #expect(long[0].count == 50)
  }
}
