import Foundation
import Testing
import Gauntlet

/// The `structure` / `equation` spec grammar of `gauntlet steal`: parsed options reach the attacks,
/// bad text is refused with the offending part named, learning-based names are left alone.
@Suite struct ExactExtractionSpecTests {
  @Test func parsedEquationSpecRunsOnEveryBackendWithinItsBudget() throws {
    guard case let .equation(o)? = try ExactExtractionSpec.parse("equation:queries=80,validation=8,budget=88,seed=2") else {
      Issue.record("equation did not parse as an exact attack"); return
    }
    #expect(o.queries == 80 && o.validationPoints == 8 && o.maxQueries == 88 && o.seed == 2)
    for be in Fixtures.backends {
      let victim = try StructureVictims.softmaxRegression(on: be)
      let session = try StructureVictims.oracle(victim, mode: .probabilities).session(client: "t")
      let r = try EquationSolving.run(session: session, options: o, reference: victim)
      #expect(r.queries == 88 && session.usage.answered.total == 88, "\(be.name): \(r.queries)")
      #expect(r.parameterError! <= 1e-4, "\(be.name): \(r.parameterError!)")
    }
  }

  @Test func parsedStructureSpecCarriesItsOptions() throws {
    guard case let .structure(o)? = try ExactExtractionSpec.parse("Structure:lines=12,cells=8,validation=0,budget=5000") else {
      Issue.record("structure did not parse as an exact attack"); return
    }
    #expect(o.lines == 12 && o.initialCells == 8 && o.validationPoints == 0 && o.maxQueries == 5000)
    let victim = try StructureVictims.model("mlp:64-8-10", on: Fixtures.cpu, seed: 1, epochs: 3)
    let session = try StructureVictims.oracle(victim, mode: .logits).session(client: "t")
    let r = try StructureStealing.run(session: session, options: o, reference: victim)
    #expect(r.queries <= 5000 && session.usage.answered.total == r.queries)
  }

  @Test func learningBasedNamesAreNotExact() throws {
    #expect(try ExactExtractionSpec.parse("knockoff:budget=100") == nil)
    #expect(try ExactExtractionSpec.parse("jbda") == nil)
    #expect(try ExactExtractionSpec.parse("") == nil && ExactExtractionSpec.parse(":") == nil)
    #expect(throws: GauntletError.self) { try ExtractionAttackSpec(parsing: "") }
  }

  @Test func badParametersAreRefusedWithTheirName() {
    for bad in ["structure:lines=0", "structure:budget=-3", "equation:design=grid", "equation:epochs=3",
                "structure:lines", "equation:queries=x"] {
      #expect(throws: GauntletError.self, "\(bad)") { _ = try ExactExtractionSpec.parse(bad) }
    }
  }
}
