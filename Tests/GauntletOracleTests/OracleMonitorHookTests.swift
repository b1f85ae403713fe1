import Foundation
import Testing
@testable import Gauntlet

@Suite("Oracle monitor hook")
struct OracleMonitorHookTests {
  @Test func alarmsAreRecordedAndCanRevokeTheBudget() throws {
    let model = try LinearClassifier(features: 3, classes: 4, seed: 7)
    let monitor = RecordingMonitor(flagAfter: 10)
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(monitors: [monitor], monitorAction: .revokeBudget))
    let x = values(4 * 3, seed: 1)
    _ = try oracle.query(x, client: "eve")
    _ = try oracle.query(x, client: "eve")
    _ = try oracle.query(x, client: "eve")                     // rows 8…11: flagged at index 9
    let u = oracle.usage(of: "eve")
    #expect(u.flagged && u.alarms.count == 1 && u.alarms[0].queryIndex == 9 && u.alarms[0].monitor == "recording")
    #expect(u.limit == 12 && u.remaining == 0)
    #expect(throws: GauntletError.budgetExhausted(client: "eve", limit: 12, requested: 4, used: 12)) {
      try oracle.query(x, client: "eve")
    }
    _ = try oracle.query(x, client: "bob")
    #expect(oracle.alarms.count == 1 && !oracle.usage(of: "bob").flagged)
  }

  @Test func monitorsSeeRevealedLabelsAndClientIndices() throws {
    let model = try LinearClassifier(features: 3, classes: 4, seed: 7)
    final class Capture: QueryMonitor, @unchecked Sendable {
      let name = "capture"
      var batches: [MonitoredBatch] = []
      func observe(_ batch: MonitoredBatch) -> [MonitorAlarm] { batches.append(batch); return [] }
      func reset(client: String) {}
    }
    let cap = Capture()
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(mode: .label, monitors: [cap]))
    let x = values(5 * 3, seed: 4)
    let a = try oracle.query(x, client: "q")
    let b = try oracle.query(Array(x.prefix(6)), client: "q")
    #expect(cap.batches.count == 2)
    #expect(cap.batches[0].labels == a.labels && cap.batches[1].labels == b.labels)
    #expect(cap.batches[1].firstQueryIndex == 5 && cap.batches[1].inputs == Array(x.prefix(6)))
    #expect(Array(cap.batches[0].row(2)) == Array(x[6..<9]))
  }
}
