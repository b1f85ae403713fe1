import Foundation
import Testing
@testable import Gauntlet

@Suite("Oracle rate limit on the simulated clock")
struct OracleRateLimitTests {
  let model: LinearClassifier
  init() throws { model = try LinearClassifier(features: 3, classes: 2, seed: 4) }
  func rows(_ n: Int) -> [Float] { values(n * 3, seed: 8) }

  @Test func rejectPolicyRefillsWithSimulatedTime() throws {
    let clock = SimulatedClock()
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(
      rateLimit: RateLimit(rowsPerSecond: 10, burst: 20, policy: .reject), clock: clock))
    _ = try oracle.query(rows(15), client: "c")
    #expect(throws: GauntletError.budgetExhausted(client: "c", limit: 20, requested: 6, used: 15)) {
      try oracle.query(rows(6), client: "c")
    }
    _ = try oracle.query(rows(5), client: "c")          // exactly the 5 tokens left
    clock.advance(by: 0.5)                              // +5 tokens
    _ = try oracle.query(rows(5), client: "c")
    #expect(throws: GauntletError.self) { try oracle.query(rows(1), client: "c") }
    clock.advance(by: 100)                              // refills to burst, not beyond
    _ = try oracle.query(rows(20), client: "c")
    #expect(throws: GauntletError.self) { try oracle.query(rows(1), client: "c") }
    #expect(throws: GauntletError.self) { try oracle.query(rows(21), client: "d") }   // above burst: never
    let u = oracle.usage(of: "c")
    #expect(u.answered.total == 45 && u.refusedRows == 8)
    _ = try oracle.query(rows(20), client: "d")         // buckets are per client
  }

  @Test func delayPolicyAnswersAndAccumulatesDeterministicWait() throws {
    let clock = SimulatedClock()
    let monitor = RecordingMonitor()
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(
      monitors: [monitor], rateLimit: RateLimit(rowsPerSecond: 4, burst: 8, policy: .delay), clock: clock))
    _ = try oracle.query(rows(8), client: "p")          // burst: no wait
    _ = try oracle.query(rows(4), client: "p")          // 1 s
    _ = try oracle.query(rows(10), client: "p")         // 2.5 s more
    let u = oracle.usage(of: "p")
    #expect(u.simulatedWait == 3.5 && u.answered.total == 22)
    #expect(monitor.times == [0, 1, 3.5])
    clock.advance(by: 10)                               // real time passes the client's own time
    _ = try oracle.query(rows(8), client: "p")
    #expect(oracle.usage(of: "p").simulatedWait == 3.5)
  }

  @Test func badRateLimitsAreRejected() throws {
    for rl in [RateLimit(rowsPerSecond: 0, burst: 1), RateLimit(rowsPerSecond: .nan, burst: 1),
               RateLimit(rowsPerSecond: 1, burst: 0)] {
      #expect(throws: GauntletError.self) { try Oracle(model: model, configuration: OracleConfiguration(rateLimit: rl)) }
    }
  }

  @Test func clockNeverRunsBackwards() {
    let clock = SimulatedClock(start: 5)
    clock.set(to: 3); clock.advance(by: -1); clock.advance(by: .infinity)
    #expect(clock.now == 5)
    clock.set(to: 7.5)
    #expect(clock.now == 7.5)
  }
}

/// Records every batch it sees; flags a client once it has seen `flagAfter` rows from it.
final class RecordingMonitor: QueryMonitor, @unchecked Sendable {
  let name = "recording"
  let flagAfter: Int
  private let lock = NSLock()
  private var seen: [String: Int] = [:]
  private var batchTimes: [Double] = []
  init(flagAfter: Int = .max) { self.flagAfter = flagAfter }
  var times: [Double] { lock.withLock { batchTimes } }
  func observe(_ batch: MonitoredBatch) -> [MonitorAlarm] {
    lock.withLock {
      batchTimes.append(batch.time)
      let before = seen[batch.client, default: 0]
      seen[batch.client] = before + batch.rows
      guard before < flagAfter, before + batch.rows >= flagAfter else { return [] }
      return [MonitorAlarm(monitor: name, client: batch.client, queryIndex: batch.firstQueryIndex + flagAfter - before - 1,
                           time: batch.time, statistic: Double(before + batch.rows), detail: "saw \(flagAfter) rows")]
    }
  }
  func reset(client: String) { lock.withLock { seen[client] = nil } }
}
