import Foundation
import Testing
import Gauntlet

/// Equation solving (Tramèr et al. 2016) on every backend: exact recovery of softmax and logistic
/// regression, query accounting, refusals.
@Suite struct EquationSolvingTests {
  @Test func recoversSoftmaxRegressionOnEveryBackend() throws {
    for be in Fixtures.backends {
      let victim = try StructureVictims.softmaxRegression(on: be)
      for mode in [OutputMode.probabilities, .logits] {
        let oracle = try StructureVictims.oracle(victim, mode: mode)
        let session = oracle.session(client: "thief")
        let r = try EquationSolving.run(session: session, reference: victim)
        #expect(r.parameterError! <= 1e-4, "\(be.name) \(mode): parameter error \(r.parameterError!)")
        #expect(r.relativeLogitDifference! <= 1e-4, "\(be.name) \(mode): \(r.relativeLogitDifference!)")
        #expect(r.equationQueries == 65 && r.queries == 65 + 64)
        #expect(session.usage.answered.total == r.queries, "every row is counted")
        let stolen = try r.network.makeModel(inputShape: victim.inputShape, on: be)
        let (_, test) = try Datasets.digitsTrainTest()
        let x = try Tensor(Array(test.features.prefix(20 * 64)), shape: [20, 64], on: be)
        #expect(try stolen.predictions(x) == victim.predictions(x), "\(be.name): the stolen model agrees")
      }
    }
  }

  @Test func recoversLogisticRegressionWithTheBasisDesign() throws {
    let be = Fixtures.cpu
    let victim = try StructureVictims.model("mlp:64-2", on: be, seed: 3, epochs: 2)
    let r = try EquationSolving.run(session: StructureVictims.oracle(victim, mode: .probabilities).session(client: "t"),
                                    options: .init(design: .basis, queries: nil, validationPoints: 16), reference: victim)
    #expect(r.parameterError! <= 1e-4, "\(r.parameterError!)")
    #expect(r.queries == 65 + 16)
    #expect(r.network.architecture == "mlp:64-2")
    #expect(try JSONDecoder().decode(EquationSolvingReport.self, from: JSONEncoder().encode(r)) == r)
  }

  @Test func budgetIsRespected() throws {
    let be = Fixtures.cpu
    let victim = try StructureVictims.softmaxRegression(on: be)
    // Exactly enough: 65 equations + 10 validation points.
    let exact = try StructureVictims.oracle(victim, budget: 75).session(client: "a")
    let r = try EquationSolving.run(session: exact, options: .init(validationPoints: 10))
    #expect(r.queries == 75 && exact.usage.answered.total == 75 && exact.remaining == 0)
    // One short: refused before any query.
    let short = try StructureVictims.oracle(victim, budget: 74).session(client: "b")
    #expect(throws: ExactExtractionError.self) { try EquationSolving.run(session: short, options: .init(validationPoints: 10)) }
    #expect(short.usage.answered.total == 0)
    let capped = try StructureVictims.oracle(victim).session(client: "c")
    #expect(throws: ExactExtractionError.self) {
      try EquationSolving.run(session: capped, options: .init(validationPoints: 10, maxQueries: 70))
    }
    #expect(capped.usage.answered.total == 0)
    // Oversampled least squares uses exactly the rows asked for.
    let over = try StructureVictims.oracle(victim).session(client: "d")
    let r2 = try EquationSolving.run(session: over, options: .init(queries: 200, validationPoints: 0), reference: victim)
    #expect(r2.queries == 200 && over.usage.answered.total == 200 && r2.maxLogitDifference == nil)
    #expect(r2.parameterError! <= 1e-4)
  }

  @Test func labelOnlyAndPartialScoresAreRefused() throws {
    let be = Fixtures.cpu
    let victim = try StructureVictims.softmaxRegression(on: be)
    for mode in [OutputMode.label, .topK(3)] {
      let s = try StructureVictims.oracle(victim, mode: mode).session(client: "l")
      do {
        _ = try EquationSolving.run(session: s)
        Issue.record("\(mode) should be refused")
      } catch let e as ExactExtractionError {
        #expect(e == .needsConfidences(mode: mode.description))
        #expect(e.description.contains("needs confidences"))
      }
      #expect(s.usage.answered.total == 0)
    }
    // Top-k with k = every class is a full probability row.
    let full = try StructureVictims.oracle(victim, mode: .topK(10)).session(client: "k")
    #expect(try EquationSolving.run(session: full, reference: victim).parameterError! <= 1e-4)
  }

  @Test func badParametersAreRejected() throws {
    let be = Fixtures.cpu
    let victim = try StructureVictims.softmaxRegression(on: be)
    let s = try StructureVictims.oracle(victim).session(client: "p")
    #expect(throws: ExactExtractionError.self) { try EquationSolving.run(session: s, options: .init(queries: 64)) }
    #expect(throws: ExactExtractionError.self) { try EquationSolving.run(session: s, options: .init(validationPoints: -1)) }
    #expect(throws: ExactExtractionError.self) { try EquationSolving.run(session: s, options: .init(maxQueries: 0)) }
    #expect(throws: ExactExtractionError.self) { try EquationSolving.run(session: s, bounds: 1...1) }
    let unbounded = try Oracle(model: victim, configuration: OracleConfiguration(mode: .logits)).session(client: "u")
    #expect(throws: ExactExtractionError.missingBounds) { try EquationSolving.run(session: unbounded) }
    #expect(throws: ExactExtractionError.self) {
      try EquationSolving.run(session: s, reference: try StructureVictims.relu(width: 8, on: be))
    }
    #expect(s.usage.answered.total == 65 + 64, "only the run with the wrong reference queried (then failed evaluating)")
  }
}
