import Foundation
import Testing
import Gauntlet

/// Success floors on the embedded digits victim (MLP 64-128-64-10, seed 1), 100 correctly
/// classified test points, logits revealed, CPU backend. Floors sit below the measured rates
/// (README table) so that they catch regressions, not noise; the runs are seeded.
@Suite struct ScoreAttackSuccessTests {
  @Test func squareLinfAtEpsilon02ReachesNinetyPercent() throws {
    let (x, y) = try Fixtures.points(100, on: Fixtures.cpu)
    #expect(y.count == 100)
    let run = try SquareAttack(norm: .linf, epsilon: 0.2, maxQueries: 1_000)
      .run(Fixtures.oracle(on: Fixtures.cpu).session(client: "square"), inputs: x, labels: y)
    #expect(run.summary.successRate >= 0.9, "\(run.summary)")
  }

  @Test func everyAttackMeetsItsFloor() throws {
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(100, on: be)
    let oracle = try Fixtures.oracle(on: be)
    let cases: [(any ScoreBasedAttack, Double)] = [
      (try SquareAttack(norm: .l2, epsilon: 1.5, maxQueries: 1_000), 0.9),
      (try SimBA(basis: .pixel, epsilon: 0.2, maxQueries: 1_000), 0.8),
      (try SimBA(basis: .dct(initialSize: 4, stride: 1), epsilon: 0.2, maxQueries: 1_000), 0.8),
      (try GradientEstimationAttack.nes(norm: .linf, epsilon: 0.2, maxQueries: 2_000), 0.9),
      (try GradientEstimationAttack.spsa(norm: .linf, epsilon: 0.2, maxQueries: 2_000), 0.9),
      (try GradientEstimationAttack.prgf(surrogate: Fixtures.surrogate(on: be), norm: .linf, epsilon: 0.2, maxQueries: 2_000), 0.85),
      (try ZOOAttack(c: 10, coordinatesPerStep: 32, maxQueries: 4_000), 0.9),
    ]
    for (attack, floor) in cases {
      let run = try attack.run(oracle.session(client: attack.name), inputs: x, labels: y)
      print("\(attack.name): success \(run.summary.successRate), median queries \(run.summary.medianQueries)")
      #expect(run.summary.successRate >= floor, "\(attack.name): \(run.summary.successRate) < \(floor)")
    }
  }

  /// Targeted (target = label + 1 mod 10): every success is the target, confirmed independently.
  @Test func targetedSquareHitsTheTarget() throws {
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(30, on: be)
    let targets = y.map { ($0 + 1) % 10 }
    let oracle = try Fixtures.oracle(on: be)
    let run = try SquareAttack(norm: .linf, epsilon: 0.3, maxQueries: 1_000)
      .run(oracle.session(client: "t"), inputs: x, labels: y, goal: .targeted(targets))
    #expect(run.summary.successRate >= 0.7, "\(run.summary)")
    let check = try oracle.query(run.samples.flatMap(\.adversarial), client: "verifier")
    for (i, s) in run.samples.enumerated() where s.success { #expect(check.labels[i] == targets[i]) }
  }

  /// Targeted runs of the other families (30 points, target = label + 1 mod 10; measured 0.93–1.0).
  @Test func targetedGradientAndSimBARunsHitTheTarget() throws {
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(30, on: be)
    let targets = y.map { ($0 + 1) % 10 }
    let oracle = try Fixtures.oracle(on: be)
    let attacks: [any ScoreBasedAttack] = [
      try GradientEstimationAttack.nes(norm: .linf, epsilon: 0.3, maxQueries: 2_000),
      try GradientEstimationAttack.prgf(surrogate: Fixtures.surrogate(on: be), norm: .l2, epsilon: 2.0, maxQueries: 2_000,
                                        stepSize: 0.4),
      try SimBA(basis: .dct(initialSize: 4, stride: 1), epsilon: 0.3, maxQueries: 2_000),
    ]
    for attack in attacks {
      let run = try attack.run(oracle.session(client: "t-" + attack.name), inputs: x, labels: y, goal: .targeted(targets))
      #expect(run.summary.successRate >= 0.8, "\(attack.name): \(run.summary.successRate)")
      let check = try oracle.query(run.samples.flatMap(\.adversarial), client: "verifier")
      for (i, s) in run.samples.enumerated() where s.success { #expect(check.labels[i] == targets[i], "\(attack.name)") }
    }
  }

  /// Samples stop as soon as they succeed: successful samples spend fewer queries than failing ones
  /// at the same budget, and the total is far below samples × budget.
  @Test func finishedSamplesLeaveTheBatch() throws {
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(40, on: be)
    let oracle = try Fixtures.oracle(on: be)
    let run = try SquareAttack(norm: .linf, epsilon: 0.2, maxQueries: 500).run(oracle.session(client: "e"), inputs: x, labels: y)
    let spent = oracle.usage(of: "e").answered.total
    #expect(spent < 40 * 500 / 4, "spent \(spent)")
    #expect(run.samples.filter(\.success).allSatisfy { $0.totalQueries < 500 })
  }

  /// The oracle's own budget stops the run cleanly: every sample is recorded, nothing beyond the limit.
  @Test func oracleBudgetEndsTheRunWithoutError() throws {
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(20, on: be)
    let oracle = try Fixtures.oracle(on: be, budget: 150)
    for attack in [try SquareAttack(norm: .linf, epsilon: 0.05, maxQueries: 1_000) as any ScoreBasedAttack,
                   try GradientEstimationAttack.nes(norm: .linf, epsilon: 0.05, maxQueries: 1_000, q: 5),
                   try SimBA(epsilon: 0.05, maxQueries: 1_000), try ZOOAttack(coordinatesPerStep: 4, maxQueries: 1_000)] {
      let client = "capped-\(attack.name)"
      let run = try attack.run(oracle.session(client: client), inputs: x, labels: y)
      #expect(run.samples.count == 20)
      #expect(oracle.usage(of: client).answered.total <= 150)
      #expect(oracle.usage(of: client).answered.total == run.samples.reduce(0) { $0 + $1.totalQueries })
    }
  }

  @Test func runRecordRoundTripsThroughJSON() throws {
    let (x, y) = try Fixtures.points(5, on: Fixtures.cpu)
    let run = try SquareAttack(epsilon: 0.2, maxQueries: 50).run(Fixtures.oracle(on: Fixtures.cpu).session(client: "j"), inputs: x, labels: y)
    let data = try JSONEncoder().encode(run)
    let back = try JSONDecoder().decode(AttackRun.self, from: data)
    #expect(back.samples == run.samples && back.summary == run.summary)
  }
}
