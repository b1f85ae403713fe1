import Foundation
import Testing
import Gauntlet

/// White-box attacks on every backend: FGSM is exactly the analytic sign step, every attack keeps
/// its invariants (input untouched, box, ε-ball, gradient counts, claimed successes confirmed by
/// the model), C&W finds smaller L2 than PGD-L2 at equal success, and success floors on the
/// digits victim.
@Suite struct WhiteBoxAttackTests {
  /// ∂CE(y)/∂x through the model's own `inputGradient`, as an independent reference.
  static func analyticGradient(_ model: Sequential, _ x: Tensor, _ y: [Int32]) throws -> [Float] {
    let z = try model.logits(x).toArray()
    let k = model.classCount
    var gz = [Float]()
    for i in 0..<y.count {
      let row = z[(i * k)..<((i + 1) * k)]
      let m = row.max()!
      let e = row.map { Foundation.exp($0 - m) }
      let s = e.reduce(0, +)
      var p = e.map { $0 / s }
      p[Int(y[i])] -= 1
      gz += p
    }
    return try model.inputGradient(x, gradLogits: Tensor(gz, shape: [y.count, k], on: model.backend)).toArray()
  }

  @Test func fgsmIsExactlyTheSignOfTheAnalyticGradientStep() throws {
    for be in Fixtures.backends {
      let (x, y) = try Fixtures.points(16, on: be)
      let model = try Fixtures.victim(on: be)
      let g = try Self.analyticGradient(model, x, y)
      let x0 = try x.toArray()
      let run = try FGSM(epsilon: 0.1).run(model, inputs: x, labels: y)
      let adv = run.samples.flatMap(\.adversarial)
      var expected = [Float]()
      for j in x0.indices {
        let s: Float = g[j] > 0 ? 1 : (g[j] < 0 ? -1 : 0)
        expected.append(min(max(x0[j] + 0.1 * s, 0), 1))
      }
      #expect(adv == expected, "\(be.name)")
      #expect(run.samples.allSatisfy { $0.lossQueries == 1 && $0.checkQueries == 1 }, "\(be.name)")
    }
  }

  static func attacks() throws -> [(any WhiteBoxAttack, Norm?, Float)] {
    [
      (try FGSM(epsilon: 0.1), .linf, 0.1),
      (try FGSM(norm: .l2, epsilon: 0.8), .l2, 0.8),
      (try PGDAttack(norm: .linf, epsilon: 0.1, steps: 10), .linf, 0.1),
      (try PGDAttack(norm: .l2, epsilon: 0.8, steps: 10), .l2, 0.8),
      (try PGDAttack(norm: .linf, epsilon: 0.05, steps: 10, randomStart: false), .linf, 0.05),
      (try APGDAttack(norm: .linf, epsilon: 0.1, steps: 10), .linf, 0.1),
      (try APGDAttack(norm: .l2, epsilon: 0.8, steps: 10), .l2, 0.8),
      (try CarliniWagnerL2(c: 1, learningRate: 0.05, steps: 20, binarySearchSteps: 2), nil, 0),
      (try DeepFool(steps: 20), nil, 0),
    ]
  }

  @Test func everyAttackKeepsItsInvariantsOnEveryBackend() throws {
    for be in Fixtures.backends {
      let (x, y) = try Fixtures.points(12, on: be)
      let before = try x.toArray()
      let model = try Fixtures.victim(on: be)
      for (attack, norm, eps) in try Self.attacks() {
        let tag = Comment(rawValue: "\(attack.name)@\(be.name)")
        let run = try attack.run(model, inputs: x, labels: y)
        #expect(try x.toArray() == before, tag)
        #expect(run.samples.count == y.count, tag)
        let pred = try model.predictions(Tensor(run.samples.flatMap(\.adversarial), shape: [y.count, 64], on: be))
        for (i, s) in run.samples.enumerated() {
          #expect(s.index == i, tag)
          #expect(s.adversarial.allSatisfy { $0 >= 0 && $0 <= 1 && $0.isFinite }, tag)
          #expect(s.lossQueries >= 1, tag)
          if let norm { #expect((norm == .linf ? s.linf : s.l2) <= eps * (1 + 1e-5), tag) }
          #expect(Int32(pred[i]) == s.finalLabel, tag)
          #expect(s.success == (pred[i] != Int(y[i])), tag)
        }
        #expect(run.summary.successRate > 0, tag)
      }
    }
  }

  @Test func gradientEvaluationsAreCountedPerSample() throws {
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(10, on: be)
    let model = try Fixtures.victim(on: be)
    let pgd = try PGDAttack(epsilon: 0.02, steps: 7)
    for s in try pgd.run(model, inputs: x, labels: y).samples {
      // A sample stops at the step whose forward pass shows success; survivors pay a final check.
      #expect(s.lossQueries <= 7 && s.checkQueries <= 1 && (s.success || s.lossQueries == 7))
    }
    let cw = try CarliniWagnerL2(steps: 5, binarySearchSteps: 3)
    #expect(try cw.run(model, inputs: x, labels: y).samples.allSatisfy { $0.lossQueries == 15 && $0.checkQueries == 0 })
    let df = try DeepFool(steps: 3)
    #expect(try df.run(model, inputs: x, labels: y).samples.allSatisfy { $0.lossQueries % 10 == 0 && $0.lossQueries <= 40 })
  }

  @Test func successFloorsOnTheDigitsVictim() throws {
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(30, on: be)
    let model = try Fixtures.victim(on: be)
    let pgd = try PGDAttack(norm: .linf, epsilon: 0.15, steps: 20).run(model, inputs: x, labels: y).summary
    let fgsm = try FGSM(epsilon: 0.15).run(model, inputs: x, labels: y).summary
    let df = try DeepFool().run(model, inputs: x, labels: y).summary
    #expect(pgd.successRate >= 0.9, "\(pgd)")
    #expect(pgd.successRate >= fgsm.successRate, "PGD is at least as strong as FGSM at equal ε")
    let apgd = try APGDAttack(epsilon: 0.1, steps: 30).run(model, inputs: x, labels: y).summary
    let pgd10 = try PGDAttack(epsilon: 0.1, steps: 30).run(model, inputs: x, labels: y).summary
    // APGD's 2ε first steps find most adversarials in a few gradients; success stays level with PGD's.
    #expect(apgd.successRate >= pgd10.successRate - 0.07, "APGD \(apgd.successRate) vs PGD \(pgd10.successRate) at ε = 0.1")
    #expect(apgd.medianQueriesOfSuccesses <= pgd10.medianQueriesOfSuccesses, "APGD \(apgd) vs PGD \(pgd10)")
    #expect(df.successRate >= 0.9, "\(df)")
  }

  @Test func carliniWagnerFindsNoLargerL2ThanPGDAtEqualSuccess() throws {
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(20, on: be)
    let model = try Fixtures.victim(on: be)
    let pgd = try PGDAttack(norm: .l2, epsilon: 2, steps: 20).run(model, inputs: x, labels: y)
    let cw = try CarliniWagnerL2(c: 1, learningRate: 0.05, steps: 50, binarySearchSteps: 4).run(model, inputs: x, labels: y)
    let both = (0..<y.count).filter { pgd.samples[$0].success && cw.samples[$0].success }
    #expect(both.count >= 15, "pgd \(pgd.summary.successRate), cw \(cw.summary.successRate)")
    let mp = Statistics.median(both.map { Double(pgd.samples[$0].l2) })
    let mc = Statistics.median(both.map { Double(cw.samples[$0].l2) })
    #expect(mc <= mp, "C&W median L2 \(mc) vs PGD-L2 \(mp)")
    #expect(cw.summary.successRate >= pgd.summary.successRate)
  }

  @Test func targetedRunsReachTheirTargets() throws {
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(10, on: be)
    let model = try Fixtures.victim(on: be)
    let t = y.map { ($0 + 1) % 10 }
    for attack in [try PGDAttack(epsilon: 0.3, steps: 30) as any WhiteBoxAttack, try DeepFool(), try CarliniWagnerL2(c: 10, learningRate: 0.05, steps: 30, binarySearchSteps: 3)] {
      let run = try attack.run(model, inputs: x, labels: y, goal: .targeted(t), bounds: 0...1)
      for s in run.samples where s.success { #expect(s.finalLabel == t[s.index], "\(attack.name)") }
      // C&W's tanh box freezes pixels at 0 or 1 (most of a digit), so targeted C&W needs more steps.
      #expect(run.summary.successRate >= (attack is CarliniWagnerL2 ? 0.1 : 0.5), "\(attack.name): \(run.summary.successRate)")
    }
  }

  @Test func badParametersAndInputsAreTypedErrors() throws {
    #expect(throws: GauntletError.self) { try FGSM(epsilon: 0) }
    #expect(throws: GauntletError.self) { try FGSM(epsilon: .nan) }
    #expect(throws: GauntletError.self) { try PGDAttack(epsilon: 0.1, steps: 0) }
    #expect(throws: GauntletError.self) { try PGDAttack(epsilon: 0.1, stepSize: -1) }
    #expect(throws: GauntletError.self) { try CarliniWagnerL2(c: 0) }
    #expect(throws: GauntletError.self) { try CarliniWagnerL2(learningRate: .infinity) }
    #expect(throws: GauntletError.self) { try CarliniWagnerL2(binarySearchSteps: 0) }
    #expect(throws: GauntletError.self) { try DeepFool(steps: 0) }
    #expect(throws: GauntletError.self) { try APGDAttack(epsilon: 0.1, rho: 0) }
    #expect(throws: GauntletError.self) { try APGDAttack(epsilon: 0.1, steps: 0) }
    #expect(throws: GauntletError.self) { try DeepFool(overshoot: -0.1) }
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(4, on: be)
    let model = try Fixtures.victim(on: be)
    let fgsm = try FGSM(epsilon: 0.1)
    #expect(throws: GauntletError.self) { try fgsm.run(model, inputs: x, labels: Array(y.prefix(3))) }
    #expect(throws: GauntletError.self) { try fgsm.run(model, inputs: x, labels: y.map { _ in 10 }) }
    #expect(throws: GauntletError.self) { try fgsm.run(model, inputs: x, labels: y, goal: .targeted(y), bounds: 0...1) }
    #expect(throws: GauntletError.self) { try fgsm.run(model, inputs: x, labels: y, goal: .untargeted, bounds: 1...1) }
    let outside = try Tensor([Float](repeating: 2, count: 4 * 64), shape: [4, 64], on: be)
    #expect(throws: GauntletError.self) { try fgsm.run(model, inputs: outside, labels: y) }
    let narrow = try Tensor([Float](repeating: 0, count: 4 * 10), shape: [4, 10], on: be)
    #expect(throws: GauntletError.self) { try fgsm.run(model, inputs: narrow, labels: y) }
    if let cl = Fixtures.openCL {
      let other = try Tensor(x.toArray(), shape: x.shape, on: cl)
      #expect(throws: GauntletError.self) { try fgsm.run(model, inputs: other, labels: y) }
    }
  }
}
