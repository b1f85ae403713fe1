import Foundation
import Testing
@testable import Gauntlet

@Suite("Oracle accounting and budgets")
struct OracleAccountingTests {
  let model: LinearClassifier
  init() throws { model = try LinearClassifier(features: 4, classes: 3, seed: 1) }

  func rows(_ n: Int, seed: UInt64 = 5) -> [Float] { values(n * 4, seed: seed) }

  @Test func everyRowCountsPerPurposeAndPerSample() throws {
    let oracle = try Oracle(model: model)
    let s = oracle.session(client: "alice")
    let a = try s.query(rows(6), purpose: .loss, samples: .contiguous(first: 10, rowsPerSample: 3))
    let b = try s.query(rows(2), purpose: .successCheck, samples: .perRow([10, 11]))
    let c = try s.query(rows(1), purpose: .other, samples: .sample(12))
    _ = try oracle.query(rows(5), client: "bob")
    #expect(a.firstQueryIndex == 0 && b.firstQueryIndex == 6 && c.firstQueryIndex == 8)
    let u = s.usage
    #expect(u.answered == PurposeCounts(loss: 6, successCheck: 2, other: 1))
    #expect(u.batches == 3)
    #expect(u.perSample[10] == PurposeCounts(loss: 3, successCheck: 1))
    #expect(u.perSample[11] == PurposeCounts(loss: 3, successCheck: 1))
    #expect(u.perSample[12] == PurposeCounts(other: 1))
    #expect(oracle.usage(of: "bob").answered.total == 5)
    #expect(oracle.totalAnswered == 14)
    #expect(model.rowsEvaluated == 14)
    #expect(oracle.clientNames == ["alice", "bob"])
  }

  @Test func aBatchThatWouldCrossTheLimitIsRefusedWholeAndChargesNothing() throws {
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(budget: QueryBudget(perClient: 10)))
    _ = try oracle.query(rows(7), client: "c")
    #expect(throws: GauntletError.budgetExhausted(client: "c", limit: 10, requested: 4, used: 7)) {
      try oracle.query(rows(4), client: "c")
    }
    var u = oracle.usage(of: "c")
    #expect(u.answered.total == 7 && u.refusedRows == 4 && u.remaining == 3)
    #expect(model.rowsEvaluated == 7)
    _ = try oracle.query(rows(3), client: "c")          // the last rows can still be spent
    #expect(throws: GauntletError.self) { try oracle.query(rows(1), client: "c") }
    u = oracle.usage(of: "c")
    #expect(u.answered.total == 10 && u.remaining == 0)
    _ = try oracle.query(rows(10), client: "other")     // budgets are per client
  }

  @Test func globalBudgetSpansClientsAndSetLimitOverrides() throws {
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(budget: QueryBudget(perClient: 8, global: 12)))
    _ = try oracle.query(rows(8), client: "a")
    #expect(oracle.usage(of: "b").remaining == 4)
    #expect(throws: GauntletError.budgetExhausted(client: "(global)", limit: 12, requested: 5, used: 8)) {
      try oracle.query(rows(5), client: "b")
    }
    _ = try oracle.query(rows(4), client: "b")
    try oracle.setLimit(nil, for: "a")
    #expect(throws: GauntletError.self) { try oracle.query(rows(1), client: "a") }   // global still binds
    #expect(throws: GauntletError.self) { try oracle.setLimit(-1, for: "a") }
    #expect(throws: GauntletError.self) {
      try Oracle(model: model, configuration: OracleConfiguration(budget: QueryBudget(perClient: -3)))
    }
  }

  @Test func sixtyFourConcurrentClientsNeverExceedTheBudgetByOneRow() async throws {
    let budget = 1_000
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(budget: QueryBudget(perClient: budget, global: budget)))
    let x1 = rows(1), x3 = rows(3, seed: 6)
    let served = await withTaskGroup(of: Int.self) { group in
      for t in 0..<64 {
        group.addTask {
          var mine = 0, attempt = 0
          while true {
            attempt += 1
            let big = t % 2 == 0 && attempt % 7 == 0
            do {
              let a = try oracle.query(big ? x3 : x1, client: "shared", purpose: big ? .loss : .successCheck)
              mine += a.rows
            } catch GauntletError.budgetExhausted {
              if !big { return mine }
            } catch { return -1_000_000 }
          }
        }
      }
      var total = 0
      for await n in group { total += n }
      return total
    }
    #expect(served == budget)                          // 1-row queries drain it exactly
    let u = oracle.usage(of: "shared")
    #expect(u.answered.total == budget && oracle.totalAnswered == budget)
    #expect(model.rowsEvaluated == budget)
  }

  @Test func concurrentPerClientBudgetsHoldForEachClient() async throws {
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(budget: QueryBudget(perClient: 50)))
    let x2 = rows(2)
    await withTaskGroup(of: Void.self) { group in
      for t in 0..<64 {
        group.addTask {
          for _ in 0..<40 { _ = try? oracle.query(x2, client: "client\(t % 8)") }
        }
      }
    }
    for c in 0..<8 { #expect(oracle.usage(of: "client\(c)").answered.total == 50) }
  }
}
