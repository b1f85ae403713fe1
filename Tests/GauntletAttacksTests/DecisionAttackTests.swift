import Foundation
import Testing
import Gauntlet

/// Decision-based attacks on every backend, through a label-only oracle: invariants (input
/// untouched, box, budgets, the attack's counts equal to the oracle's ledger per purpose and per
/// sample, claimed successes confirmed), label-only proof (the same run behind a logits oracle is
/// identical), no NaN on degenerate victims, already-misclassified starts, typed errors.
@Suite struct DecisionAttackTests {
  static func attacks() throws -> [any DecisionBasedAttack] {
    [
      try HopSkipJump(norm: .l2, maxQueries: 300, initialEvaluations: 30),
      try HopSkipJump(norm: .linf, maxQueries: 300, initialEvaluations: 30),
      try BoundaryAttack(maxQueries: 300),
      try SignOPT(maxQueries: 300, k: 20),
    ]
  }

  @Test func everyAttackKeepsItsInvariantsBehindALabelOnlyOracle() throws {
    for be in Fixtures.backends {
      let (x, y) = try Fixtures.points(8, on: be)
      let before = try x.toArray()
      let oracle = try Fixtures.oracle(on: be, mode: .label)
      for attack in try Self.attacks() {
        let client = "\(attack.name)@\(be.name)"
        let tag = Comment(rawValue: client)
        let run = try attack.run(oracle.session(client: client), inputs: x, labels: y)
        #expect(try x.toArray() == before, tag)
        try RunLedgerChecks.expectConsistent(run, oracle: oracle, client: client, labels: y, maxQueries: attack.maxQueries, tag: tag)
        for s in run.samples {
          #expect(s.adversarial.allSatisfy { $0.isFinite }, tag)
          #expect(s.l2.isFinite && s.linf.isFinite, tag)
        }
        #expect(run.summary.successRate >= 0.75, "\(tag): \(run.summary.successRate)")
      }
    }
  }

  @Test func attacksSeeOnlyLabels() throws {
    // Same seed, same victim: a logits deployment and a label-only one must give identical runs.
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(5, on: be)
    for attack in try Self.attacks() {
      let a = try attack.run(Fixtures.oracle(on: be, mode: .label).session(client: "l"), inputs: x, labels: y)
      let b = try attack.run(Fixtures.oracle(on: be, mode: .logits).session(client: "z"), inputs: x, labels: y)
      #expect(a.samples.map(\.adversarial) == b.samples.map(\.adversarial), "\(attack.name)")
      #expect(a.samples.map(\.totalQueries) == b.samples.map(\.totalQueries), "\(attack.name)")
    }
  }

  @Test func epsilonStopsEarlyAndMinimalModeShrinksTheDistance() throws {
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(8, on: be)
    let oracle = try Fixtures.oracle(on: be, mode: .label)
    let loose = try HopSkipJump(maxQueries: 1_000, epsilon: 3).run(oracle.session(client: "loose"), inputs: x, labels: y)
    let tight = try HopSkipJump(maxQueries: 1_000).run(oracle.session(client: "min"), inputs: x, labels: y)
    for s in loose.samples where s.success { #expect(s.l2 <= 3) }
    #expect(loose.summary.meanQueries < tight.summary.meanQueries)
    #expect(tight.summary.medianL2 <= loose.summary.medianL2 + 1e-6)
    #expect(tight.samples.allSatisfy { $0.totalQueries <= 1_000 })
  }

  @Test func misclassifiedStartsAndDegenerateVictimsGiveNoNaN() throws {
    let be = Fixtures.cpu
    // A start the oracle already misclassifies: success at zero perturbation after one check.
    let (x, y) = try Fixtures.points(3, on: be)
    let wrong = y.map { ($0 + 1) % 10 }
    for attack in try Self.attacks() {
      let run = try attack.run(Fixtures.oracle(on: be, mode: .label).session(client: "w"), inputs: x, labels: wrong)
      #expect(run.samples.allSatisfy { $0.success && $0.l2 == 0 && $0.totalQueries == 1 }, "\(attack.name)")
    }
    // A victim that never changes its mind: every attack fails cleanly within budget.
    let constant = try Oracle(model: DecisionTestConstantClassifier(backend: be), configuration: OracleConfiguration(mode: .label, inputBounds: 0...1))
    let x2 = try Tensor([Float](repeating: 0.3, count: 2 * 16), shape: [2, 16], on: be)
    for attack in try Self.attacks() {
      let run = try attack.run(constant.session(client: attack.name), inputs: x2, labels: [0, 0])
      #expect(run.samples.allSatisfy { !$0.success && $0.l2 == 0 && $0.totalQueries <= attack.maxQueries }, "\(attack.name)")
    }
    // A flat half-space victim: probes fall mostly on one side; distances stay finite and shrink.
    let step = try Oracle(model: DecisionTestThresholdClassifier(backend: be), configuration: OracleConfiguration(mode: .label, inputBounds: 0...1))
    for attack in try Self.attacks() {
      let run = try attack.run(step.session(client: attack.name), inputs: x2, labels: [0, 0])
      for s in run.samples {
        #expect(s.success && s.adversarial.allSatisfy(\.isFinite) && s.l2.isFinite, "\(attack.name)")
        // The closest class-1 point is the mean shifted by 0.2: L2 = 0.2·√16 = 0.8.
        #expect(s.l2 < 2.0, "\(attack.name): \(s.l2)")
      }
    }
  }

  @Test func oracleBudgetRefusalEndsTheRunWithWhatWasFound() throws {
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(4, on: be)
    let oracle = try Fixtures.oracle(on: be, mode: .label, budget: 150)
    let run = try HopSkipJump(maxQueries: 1_000).run(oracle.session(client: "capped"), inputs: x, labels: y)
    #expect(oracle.usage(of: "capped").answered.total <= 150)
    #expect(run.samples.count == 4)
    #expect(run.samples.allSatisfy { $0.adversarial.allSatisfy(\.isFinite) })
  }

  @Test func badParametersAndGoalsAreTypedErrors() throws {
    #expect(throws: GauntletError.self) { try HopSkipJump(maxQueries: 0) }
    #expect(throws: GauntletError.self) { try HopSkipJump(epsilon: -1) }
    #expect(throws: GauntletError.self) { try HopSkipJump(gamma: .nan) }
    #expect(throws: GauntletError.self) { try BoundaryAttack(sourceStep: 2) }
    #expect(throws: GauntletError.self) { try BoundaryAttack(trials: 0) }
    #expect(throws: GauntletError.self) { try SignOPT(k: 0) }
    #expect(throws: GauntletError.self) { try SignOPT(beta: 0) }
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(3, on: be)
    let session = try Fixtures.oracle(on: be, mode: .label).session(client: "bad")
    let hsj = try HopSkipJump(maxQueries: 10)
    #expect(throws: GauntletError.self) { try hsj.run(session, inputs: x, labels: y, goal: .targeted(y.map { ($0 + 1) % 10 })) }
    #expect(throws: GauntletError.self) { try hsj.run(session, inputs: x, labels: Array(y.prefix(2))) }
    let outside = try Tensor([Float](repeating: 2, count: 3 * 64), shape: [3, 64], on: be)
    #expect(throws: GauntletError.self) { try hsj.run(session, inputs: outside, labels: y) }
    #expect(session.usage.answered.total == 0, "rejected runs spend nothing")
  }
}

/// Always class 0 (two classes).
final class DecisionTestConstantClassifier: Classifier, @unchecked Sendable {
  let backend: Backend
  let inputShape = [16]
  let classCount = 2
  init(backend: Backend) { self.backend = backend }
  func logits(_ x: Tensor) throws -> Tensor {
    try Tensor([Float](repeating: 0, count: x.rows * 2).enumerated().map { $0.offset % 2 == 0 ? 1 : 0 }, shape: [x.rows, 2], on: backend)
  }
}

/// Class 1 iff the mean feature exceeds 0.5.
final class DecisionTestThresholdClassifier: Classifier, @unchecked Sendable {
  let backend: Backend
  let inputShape = [16]
  let classCount = 2
  init(backend: Backend) { self.backend = backend }
  func logits(_ x: Tensor) throws -> Tensor {
    let v = try x.toArray()
    var out = [Float]()
    for r in 0..<x.rows {
      let m = v[(r * 16)..<((r + 1) * 16)].reduce(0, +) / 16
      out += [0.5 - m, m - 0.5]
    }
    return try Tensor(out, shape: [x.rows, 2], on: backend)
  }
}
