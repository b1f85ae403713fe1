import Foundation
import Testing
import Gauntlet

/// The invariants every score-based attack keeps, on every backend: inputs untouched, outputs in
/// the input box, δ inside the ε-ball (attacks with one), per-sample budgets respected, the
/// attack's own query counts equal to the oracle's ledger (per client, per purpose and per
/// sample), and every claimed success confirmed by an independent query.
@Suite struct ScoreAttackInvariantTests {
  static func attacks(on be: Backend) throws -> [(any ScoreBasedAttack, Norm?, Float)] {
    [
      (try SquareAttack(norm: .linf, epsilon: 0.1, maxQueries: 60), .linf, 0.1),
      (try SquareAttack(norm: .l2, epsilon: 0.8, maxQueries: 60), .l2, 0.8),
      (try SimBA(basis: .pixel, epsilon: 0.2, maxQueries: 60), nil, 0),
      (try SimBA(basis: .dct(initialSize: 4, stride: 1), epsilon: 0.2, maxQueries: 60), nil, 0),
      (try GradientEstimationAttack.nes(norm: .linf, epsilon: 0.1, maxQueries: 120, q: 5), .linf, 0.1),
      (try GradientEstimationAttack.nes(norm: .l2, epsilon: 0.8, maxQueries: 120, q: 5, stepSize: 0.2), .l2, 0.8),
      (try GradientEstimationAttack.spsa(norm: .linf, epsilon: 0.1, maxQueries: 120, q: 5, learningRate: 0.02), .linf, 0.1),
      (try GradientEstimationAttack.prgf(surrogate: Fixtures.surrogate(on: be), norm: .linf, epsilon: 0.1,
                                         maxQueries: 120, q: 5, normSamples: 4), .linf, 0.1),
      (try ZOOAttack(c: 10, coordinatesPerStep: 8, maxQueries: 120), nil, 0),
      (try ZOOAttack(c: 10, coordinatesPerStep: 4, maxQueries: 120, importanceSampling: true, reducedSide: 4), nil, 0),
    ]
  }

  @Test func everyAttackKeepsItsInvariantsOnEveryBackend() throws {
    for be in Fixtures.backends {
      let (x, y) = try Fixtures.points(12, on: be)
      let before = try x.toArray()
      let oracle = try Fixtures.oracle(on: be)
      for (attack, norm, eps) in try Self.attacks(on: be) {
        let client = "\(attack.name)@\(be.name)"
        let run = try attack.run(oracle.session(client: client), inputs: x, labels: y)
        let tag = Comment(rawValue: client)
        #expect(try x.toArray() == before, tag)
        #expect(run.samples.count == y.count, tag)
        try RunLedgerChecks.expectConsistent(run, oracle: oracle, client: client, labels: y, maxQueries: attack.maxQueries, tag: tag)
        if let norm {
          for s in run.samples { #expect((norm == .linf ? s.linf : s.l2) <= eps * (1 + 1e-5), tag) }
        }
      }
    }
  }
}

