import Testing
import Gauntlet

@Suite struct ZOMinimizerTests {
  static let rules: [ZOUpdateRule] = [.sgd(learningRate: 0.2), .signSGD(learningRate: 0.05),
                                      .adam(learningRate: 0.05), .adaMM(learningRate: 0.05)]

  /// Every rule reduces a 10-d quadratic from f(x0) by ≥ 90% within 1 000 evaluations per point.
  @Test(arguments: rules)
  func reducesQuadraticWithinBudget(rule: ZOUpdateRule) throws {
    for be in TestBackends.all {
      let q = Quadratic.standard(10)
      let f = CountingObjective(q)
      let x0h = HostMath.repeatRow([Float](repeating: 1.5, count: 10), 3)
      let x0 = try Tensor(x0h, shape: [3, 10], on: be)
      let zo = try ZOMinimizer(estimator: RandomDirectionEstimator.nes(sigma: 1e-3, q: 5), rule: rule,
                               key: PhiloxKey(seed: 2))
      let r = try zo.minimize(f, x0: x0, budget: 1_000)
      let start = try q.values(at: x0).toArray()
      for i in 0..<3 {
        #expect(r.values[i] <= 0.1 * start[i], "\(rule.name): \(r.values[i]) from \(start[i])")
        #expect(r.evaluations[i] <= 1_000 && r.evaluations[i] > 1_000 - 12)
      }
      #expect(f.rows == r.evaluations.reduce(0, +), "every row the objective saw is accounted for")
      #expect(try x0.toArray() == x0h, "x0 unchanged")
      // The reported values are f at the reported points.
      let check = try q.values(at: r.x).toArray()
      for i in 0..<3 { #expect(abs(check[i] - r.values[i]) <= 1e-5 * max(1, abs(r.values[i]))) }
    }
  }

  /// Rosenbrock in 2-d from (−1.2, 1) (f = 24.2): ZO-Adam and ZO-AdaMM with central differences
  /// get below 1e-3 within 6 000 evaluations.
  @Test(arguments: [ZOUpdateRule.adam(learningRate: 0.05), .adaMM(learningRate: 0.1)])
  func reducesRosenbrock(rule: ZOUpdateRule) throws {
    let be = TestBackends.cpu
    let f = RowwiseObjective(dimension: 2) { p in
      let a = 1 - p[0], b = p[1] - p[0] * p[0]
      return a * a + 100 * b * b
    }
    let zo = try ZOMinimizer(estimator: CoordinateEstimator(h: 1e-3, scheme: .central),
                             rule: rule,
                             box: Box(lower: -2, upper: 2))
    let r = try zo.minimize(f, x0: Tensor([-1.2, 1], shape: [1, 2], on: be), budget: 6_000)
    let xr = try r.x.toArray()
    #expect(r.values[0] < 1e-3, "rosenbrock reached \(r.values[0]) at \(xr)")
    #expect(r.evaluations[0] <= 6_000)
    #expect(try #require(r.trace.first) >= #require(r.trace.last))
  }

  /// The box holds for every point the objective is ever asked about at the iterates, and the
  /// minimizer lands on the boundary when the unconstrained optimum lies outside.
  @Test func respectsBoxConstraints() throws {
    let be = TestBackends.cpu
    let q = Quadratic(a: [1, 1, 1], c: [2, -2, 0.5])
    let f = CountingObjective(q)
    f.keepPoints = true
    let box = try Box(lower: [-1, -1, -1], upper: [1, 1, 1])
    let zo = try ZOMinimizer(estimator: RandomDirectionEstimator.spsa(delta: 1e-3, q: 4),
                             rule: .adaMM(learningRate: 0.05), box: box, key: PhiloxKey(seed: 3))
    let r = try zo.minimize(f, x0: Tensor([0.9, 0.9, 0.9, -3, 3, 0], shape: [2, 3], on: be), budget: 500)
    let x = try r.x.toArray()
    for v in x { #expect(v >= -1 && v <= 1) }
    for row in 0..<2 {
      #expect(abs(x[row * 3] - 1) < 0.06 && abs(x[row * 3 + 1] + 1) < 0.06 && abs(x[row * 3 + 2] - 0.5) < 0.06)
    }
    // Iterates (rows evaluated alone, before estimation) stay in the box; perturbations may step
    // outside by at most δ = 1e-3.
    for p in f.points { for v in try p.toArray() { #expect(v >= -1 - 1.01e-3 && v <= 1 + 1.01e-3) } }
  }

  /// Budgets smaller than one step only evaluate x0; odd budgets are never exceeded.
  @Test(arguments: [1, 7, 13, 100, 257])
  func neverExceedsBudget(budget: Int) throws {
    let be = TestBackends.cpu
    let f = CountingObjective(Quadratic.standard(4))
    let zo = try ZOMinimizer(estimator: PriorGuidedEstimator(sigma: 1e-3, q: 3, normSamples: 2) { p in
      try Tensor(zeros: p.shape, on: p.backend) }, rule: .adam(learningRate: 0.1))
    let r = try zo.minimize(f, x0: Tensor([Float](repeating: 1, count: 20), shape: [5, 4], on: be), budget: budget)
    for e in r.evaluations { #expect(e <= budget && e >= 1) }
    #expect(f.rows == r.evaluations.reduce(0, +))
    if budget < 1 + 7 { #expect(r.iterations.allSatisfy { $0 == 0 }) }
  }

  @Test func rejectsBadParameters() throws {
    let nes = try RandomDirectionEstimator.nes(sigma: 1e-3, q: 2)
    #expect(throws: GauntletError.self) { try ZOMinimizer(estimator: nes, rule: .sgd(learningRate: 0)) }
    #expect(throws: GauntletError.self) { try ZOMinimizer(estimator: nes, rule: .signSGD(learningRate: .nan)) }
    #expect(throws: GauntletError.self) { try ZOMinimizer(estimator: nes, rule: .adam(learningRate: 0.1, beta1: 1)) }
    #expect(throws: GauntletError.self) { try ZOMinimizer(estimator: nes, rule: .adaMM(learningRate: 0.1, beta2: -0.5)) }
    #expect(throws: GauntletError.self) { try ZOMinimizer(estimator: nes, rule: .adaMM(learningRate: 0.1, epsilon: 0)) }
    #expect(throws: GauntletError.self) { try Box(lower: 1, upper: 0) }
    #expect(throws: GauntletError.self) { try Box(lower: [0, .nan], upper: [1, 1]) }
    #expect(throws: GauntletError.self) { try Box(lower: [0, 0], upper: [1]) }
    let be = TestBackends.cpu
    let zo = try ZOMinimizer(estimator: nes, rule: .sgd(learningRate: 0.1), box: Box(lower: [0, 0], upper: [1, 1]))
    let x0 = try Tensor([0, 0, 0], shape: [1, 3], on: be)
    #expect(throws: GauntletError.self) { try zo.minimize(Quadratic.standard(3), x0: x0, budget: 10) }
    let ok = try ZOMinimizer(estimator: nes, rule: .sgd(learningRate: 0.1))
    #expect(throws: GauntletError.self) { try ok.minimize(Quadratic.standard(3), x0: x0, budget: 0) }
    // An objective that answers NaN stops the run with a typed error.
    let nan = ClosureObjective(dimension: 3) { p in
      let t = try Tensor([Float](repeating: -1, count: p.rows), shape: [p.rows], on: p.backend)
      try p.backend.unary(.log, t.buffer, into: t.buffer, count: p.rows)
      return t
    }
    #expect(throws: GauntletError.self) { try ok.minimize(nan, x0: x0, budget: 10) }
  }
}

extension ZOUpdateRule: CustomTestStringConvertible {
  public var testDescription: String { name }
}
