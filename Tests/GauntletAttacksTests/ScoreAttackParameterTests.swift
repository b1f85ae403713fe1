import Testing
import Gauntlet

@Suite struct ScoreAttackParameterTests {
  @Test func constructorsRejectBadParameters() throws {
    #expect(throws: GauntletError.self) { try SquareAttack(epsilon: 0) }
    #expect(throws: GauntletError.self) { try SquareAttack(epsilon: .nan) }
    #expect(throws: GauntletError.self) { try SquareAttack(epsilon: 0.1, maxQueries: 0) }
    #expect(throws: GauntletError.self) { try SquareAttack(epsilon: 0.1, pInit: 1.5) }
    #expect(throws: GauntletError.self) { try SimBA(epsilon: -0.2) }
    #expect(throws: GauntletError.self) { try SimBA(basis: .dct(initialSize: 0, stride: 1)) }
    #expect(throws: GauntletError.self) { try GradientEstimationAttack.nes(epsilon: 0.1, sigma: 0) }
    #expect(throws: GauntletError.self) { try GradientEstimationAttack.nes(epsilon: 0.1, q: 0) }
    #expect(throws: GauntletError.self) { try GradientEstimationAttack.nes(epsilon: 0.1, stepSize: .infinity) }
    #expect(throws: GauntletError.self) { try GradientEstimationAttack.spsa(epsilon: 0.1, learningRate: 0) }
    #expect(throws: GauntletError.self) { try GradientEstimationAttack.spsa(epsilon: 0.1, delta: -1) }
    #expect(throws: GauntletError.self) { try ZOOAttack(c: 0) }
    #expect(throws: GauntletError.self) { try ZOOAttack(coordinatesPerStep: 0) }
    #expect(throws: GauntletError.self) { try ZOOAttack(h: .nan) }
    #expect(throws: GauntletError.self) { try ZOOAttack(reducedSide: 0) }
  }

  @Test func runRejectsBadInputs() throws {
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(4, on: be)
    let session = try Fixtures.oracle(on: be).session(client: "bad")
    let square = try SquareAttack(epsilon: 0.1, maxQueries: 10)
    #expect(throws: GauntletError.self) { try square.run(session, inputs: x, labels: Array(y.prefix(3))) }
    #expect(throws: GauntletError.self) { try square.run(session, inputs: x, labels: y.map { _ in 10 }) }
    #expect(throws: GauntletError.self) { try square.run(session, inputs: x, labels: y, goal: .targeted(y)) }
    #expect(throws: GauntletError.self) { try square.run(session, inputs: x, labels: y, goal: .targeted([1])) }
    let outside = try Tensor([Float](repeating: 2, count: 4 * 64), shape: [4, 64], on: be)
    #expect(throws: GauntletError.self) { try square.run(session, inputs: outside, labels: y) }
    let narrow = try Tensor([Float](repeating: 0, count: 4 * 10), shape: [4, 10], on: be)
    #expect(throws: GauntletError.self) { try square.run(session, inputs: narrow, labels: y) }
    #expect(session.usage.answered.total == 0, "rejected runs spend nothing")
  }

  @Test func labelOnlyOracleIsRefused() throws {
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(3, on: be)
    let oracle = try Fixtures.oracle(on: be, mode: .label)
    #expect(throws: GauntletError.self) { try SquareAttack(epsilon: 0.1, maxQueries: 10).run(oracle.session(client: "l"), inputs: x, labels: y) }
  }

  @Test func probabilityAndTopKModesWork() throws {
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(20, on: be)
    for mode in [OutputMode.probabilities, .topK(3)] {
      let run = try SquareAttack(epsilon: 0.2, maxQueries: 300)
        .run(Fixtures.oracle(on: be, mode: mode).session(client: "m"), inputs: x, labels: y)
      #expect(run.summary.successRate >= 0.7, "\(mode): \(run.summary.successRate)")
    }
  }

  @Test func specsParse() throws {
    #expect(try ScoreAttackSpec.parse("square:eps=0.1,iters=1000").name == "square-linf(ε=0.1,q=1000,p=0.3)")
    #expect(try ScoreAttackSpec.parse("square:eps=0.5,norm=l2,queries=200,p=0.1").name == "square-l2(ε=0.5,q=200,p=0.1)")
    #expect(try ScoreAttackSpec.parse("simba:basis=dct,eps=0.2").name.hasPrefix("simba-dct"))
    #expect(try ScoreAttackSpec.parse("zoo:b=16,queries=500,importance=1,resize=4").maxQueries == 500)
    #expect(try ScoreAttackSpec.parse("nes:eps=0.1,q=10,sigma=0.01").name.hasPrefix("nes(σ=0.01,q=10)"))
    #expect(try ScoreAttackSpec.parse("spsa:eps=0.1,loss=ce").maxQueries == 2_000)
    #expect(throws: GauntletError.self) { try ScoreAttackSpec.parse("square") }                 // eps required
    #expect(throws: GauntletError.self) { try ScoreAttackSpec.parse("square:eps=0.1,foo=1") }
    #expect(throws: GauntletError.self) { try ScoreAttackSpec.parse("square:eps=abc") }
    #expect(throws: GauntletError.self) { try ScoreAttackSpec.parse("square:eps") }
    #expect(throws: GauntletError.self) { try ScoreAttackSpec.parse("boundary:eps=0.1") }
    #expect(throws: GauntletError.self) { try ScoreAttackSpec.parse("prgf:eps=0.1") }
    #expect(throws: GauntletError.self) { try ScoreAttackSpec.parse("simba:basis=haar") }
    #expect(throws: GauntletError.self) { try ScoreAttackSpec.parse("nes:eps=0.1,norm=l1") }
  }
}
