import Foundation
import Testing
@testable import Gauntlet

@Suite("Oracle input validation")
struct OracleValidationTests {
  let model: LinearClassifier
  let oracle: Oracle
  init() throws {
    model = try LinearClassifier(features: 4, classes: 3, seed: 2)
    oracle = try Oracle(model: model, configuration: OracleConfiguration(budget: QueryBudget(perClient: 100), inputBounds: -1...1))
  }

  @Test func rejectedBatchesAreTypedAndChargeNothing() throws {
    var bad = values(8, seed: 1)
    bad[6] = .nan
    #expect(throws: GauntletError.nonFinite(context: "Oracle.query row 1", index: 6)) { try oracle.query(bad, client: "m") }
    bad[6] = .infinity
    #expect(throws: GauntletError.self) { try oracle.query(bad, client: "m") }
    bad[6] = 1.5                                          // outside the declared box
    do { _ = try oracle.query(bad, client: "m"); Issue.record("accepted out-of-box input") } catch let GauntletError.invalidArgument(name, detail) {
      #expect(name == "input" && detail.contains("row 1, feature 2"))
    }
    #expect(throws: GauntletError.self) { try oracle.query(values(7, seed: 1), client: "m") }   // 7 values, 4 features
    #expect(throws: GauntletError.invalidArgument(name: "batch", detail: "empty batch (0 rows); send at least one row")) {
      try oracle.query([Float](), client: "m")
    }
    #expect(throws: GauntletError.self) {
      try oracle.query(values(8, seed: 1), client: "m", samples: .perRow([1]))
    }
    #expect(throws: GauntletError.self) {
      try oracle.query(values(12, seed: 1), client: "m", samples: .contiguous(first: 0, rowsPerSample: 2))
    }
    let u = oracle.usage(of: "m")
    #expect(u.answered.total == 0 && u.batches == 0 && u.remaining == 100)
    #expect(u.rejectedRows == 2 + 2 + 2 + 1 + 0 + 2 + 3)   // a malformed batch counts its whole rows
    #expect(model.rowsEvaluated == 0)
  }

  @Test func tensorQueriesAreValidatedToo() throws {
    let be = model.backend
    #expect(throws: GauntletError.self) { try oracle.query(Tensor(values(6, seed: 1), shape: [2, 3], on: be)) }
    #expect(throws: GauntletError.self) { try oracle.query(Tensor(zeros: [0, 4], on: be)) }
    #expect(throws: GauntletError.self) { try oracle.query(Tensor([2, 0, 0, 0], shape: [1, 4], on: be)) }
    #expect(throws: GauntletError.self) { try oracle.query(Tensor([0, 0, 0, 0], shape: [4], on: be)) }
    let other = CPUBackend()
    #expect(throws: GauntletError.self) { try oracle.query(Tensor(values(4, seed: 1), shape: [1, 4], on: other)) }
    #expect(oracle.usage(of: "default").answered.total == 0)
    _ = try oracle.query(Tensor(values(4, seed: 1), shape: [1, 4], on: be))
    #expect(oracle.usage(of: "default").answered.total == 1)
  }

  @Test func nonFiniteBoundsAreRejected() throws {
    #expect(throws: GauntletError.self) {
      try Oracle(model: model, configuration: OracleConfiguration(inputBounds: -Float.infinity...0))
    }
  }
}
