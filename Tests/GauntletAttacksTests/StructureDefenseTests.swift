import Foundation
import Testing
import Gauntlet

/// Output defenses against exact extraction: each one raises the thief's error in the expected
/// direction (seeded; the undefended runs are the baselines of the other suites).
@Suite struct StructureDefenseTests {
  static func defended(_ victim: Sequential, _ spec: String, mode: OutputMode = .probabilities) throws -> OracleSession {
    let chain = try DefenseChain(parsing: spec, context: DefenseContext(key: 7))
    return try Oracle(model: victim, configuration: OracleConfiguration(
      mode: mode, defenses: chain, inputBounds: 0...1)).session(client: "thief")
  }

  @Test func roundingAndNoiseSpoilEquationSolving() throws {
    let be = Fixtures.cpu
    let victim = try StructureVictims.softmaxRegression(on: be)
    let clean = try EquationSolving.run(session: StructureVictims.oracle(victim, mode: .probabilities).session(client: "c"),
                                        reference: victim)
    for spec in ["round:2", "noise:gaussian,sigma=0.01"] {
      let r = try EquationSolving.run(session: Self.defended(victim, spec), reference: victim)
      #expect(r.parameterError! > 100 * clean.parameterError!, "\(spec): \(r.parameterError!) vs \(clean.parameterError!)")
      #expect(r.parameterError! > 1e-3, "\(spec): \(r.parameterError!)")
    }
  }

  @Test func noiseSpoilsStructureStealing() throws {
    let be = Fixtures.cpu
    let victim = try StructureVictims.relu(width: 8, on: be)
    let options = StructureStealing.Options(lines: 16, validationPoints: 64)
    do {
      let r = try StructureStealing.run(session: Self.defended(victim, "noise:gaussian,sigma=0.01"), options: options,
                                        reference: victim)
      #expect(r.relativeLogitDifference! > 1e-2 || r.matchedUnits! < 8,
              "noise: \(r.architecture), matched \(r.matchedUnits!), Δ \(r.relativeLogitDifference!)")
    } catch let ExactExtractionError.modelMismatch(detail) {
      // No kink distinguishable from the noise: the attack refuses to report a structure.
      #expect(detail.contains("too noisy"))
    }
  }
}
