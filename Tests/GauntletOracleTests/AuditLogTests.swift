import Foundation
import Testing
@testable import Gauntlet

@Suite("Audit log")
struct AuditLogTests {
  let model: LinearClassifier
  init() throws { model = try LinearClassifier(features: 2, classes: 2, seed: 6) }

  @Test func everyBatchIsLoggedWithItsOutcome() throws {
    let path = temporaryPath("audit")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let log = try AuditLog(path: path, includeRowHashes: true)
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(
      budget: QueryBudget(perClient: 5), inputBounds: 0...1, auditLog: log))
    let x: [Float] = [0.1, 0.2, 0.3, 0.4, 0.1, 0.2]
    _ = try oracle.query(x, client: "a", purpose: .loss)
    _ = try? oracle.query([2, 0], client: "a")                 // rejected
    _ = try? oracle.query(x, client: "a")                      // refused: 3 + 3 > 5
    _ = try oracle.query(Array(x.prefix(4)), client: "a", purpose: .successCheck)
    let c = try AuditLog.read(path: path)
    #expect(c.discardedBytes == 0)
    #expect(c.records.map(\.outcome) == [.answered, .rejected, .refused, .answered])
    #expect(c.records.map(\.sequence) == [1, 2, 3, 4])
    #expect(c.records.map(\.rows) == [3, 1, 3, 2])
    #expect(c.records.map(\.firstQueryIndex) == [0, 3, 3, 3])
    #expect(c.records[0].purpose == .loss && c.records[3].purpose == .successCheck)
    let hashes = try #require(c.records[0].rowHashes)
    #expect(hashes.count == 3 && hashes[0] == hashes[2] && hashes[0] != hashes[1])
    #expect(c.records[1].detail?.contains("outside the declared input box") == true)
  }

  @Test func aTornRecordIsIgnoredAndRepairedOnReopen() throws {
    let path = temporaryPath("torn")
    defer { try? FileManager.default.removeItem(atPath: path) }
    do {
      let log = try AuditLog(path: path)
      for i in 1...5 {
        try log.append(AuditRecord(sequence: i, client: "c\(i)", purpose: .other, rows: i, firstQueryIndex: 0,
                                   time: Double(i), outcome: .answered))
      }
    }
    let full = try #require(FileManager.default.contents(atPath: path))
    let lineEnds = full.enumerated().filter { $0.element == 0x0A }.map(\.offset)
    #expect(lineEnds.count == 5)
    // Crash in the middle of writing record 5: keep 4 full lines and half of the fifth.
    let cut = lineEnds[3] + 1 + (lineEnds[4] - lineEnds[3]) / 2
    try full.prefix(cut).write(to: URL(fileURLWithPath: path))
    let c = try AuditLog.read(path: path)
    #expect(c.records.map(\.sequence) == [1, 2, 3, 4])
    #expect(c.discardedBytes == cut - lineEnds[3] - 1)
    // Cut right before a newline: that record is not complete either.
    try full.prefix(lineEnds[1]).write(to: URL(fileURLWithPath: path))
    #expect(try AuditLog.read(path: path).records.map(\.sequence) == [1])
    // Reopening truncates the torn tail and appends cleanly after it.
    try full.prefix(cut).write(to: URL(fileURLWithPath: path))
    let log = try AuditLog(path: path)
    try log.append(AuditRecord(sequence: 9, client: "z", purpose: .loss, rows: 1, firstQueryIndex: 0, time: 0, outcome: .refused))
    let after = try AuditLog.read(path: path)
    #expect(after.records.map(\.sequence) == [1, 2, 3, 4, 9] && after.discardedBytes == 0)
  }

  @Test func aCorruptLineInTheMiddleIsAnError() throws {
    let path = temporaryPath("corrupt")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Data("{\"garbage\n{}\n".utf8).write(to: URL(fileURLWithPath: path))
    #expect(throws: GauntletError.self) { try AuditLog.read(path: path) }
    #expect(throws: GauntletError.self) { try AuditLog.read(path: path + ".missing") }
  }

  @Test func concurrentAppendsProduceWholeLines() async throws {
    let path = temporaryPath("concurrent")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let log = try AuditLog(path: path)
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(auditLog: log))
    await withTaskGroup(of: Void.self) { g in
      for t in 0..<16 { g.addTask { for _ in 0..<10 { _ = try? oracle.query([0.5, Float(t)], client: "t\(t)") } } }
    }
    let c = try AuditLog.read(path: path)
    #expect(c.records.count == 160 && c.discardedBytes == 0)
    #expect(Set(c.records.map(\.sequence)).count == 160)
  }
}
