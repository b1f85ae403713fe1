import GauntletCore
import GauntletOracle
import GauntletZerothOrder

extension GradientEstimationAttack {
  public func run(_ oracle: OracleSession, inputs: Tensor, labels: [Int32], goal: AttackGoal) throws -> AttackRun {
    let st = try ScoreAttackState(session: oracle, inputs: inputs, labels: labels, goal: goal, loss: loss,
                                  maxQueries: maxQueries, attack: name)
    if case let .prgf(_, _, _, surrogate) = estimator {
      guard surrogate.backend === oracle.backend, surrogate.inputShape.reduce(1, *) == st.d,
            surrogate.classCount == oracle.classCount else {
        throw GauntletError.invalidArgument(
          name: "surrogate", detail: "the surrogate must run on the oracle's backend (\(oracle.backend.name)) with input \(oracle.inputShape) and \(oracle.classCount) classes")
      }
    }
    let be = st.backend, n = st.n, d = st.d
    let objective = OracleObjective(state: st, norm: norm, epsilon: epsilon)
    var ids = Array(0..<n)
    var x0 = try be.makeBuffer(st.originals)
    var x = try be.makeBuffer(st.originals)
    var lastLabel = labels
    var adam: ZOUpdateState?
    if case let .adam(lr, b1, b2) = update {
      adam = try ZOUpdateState(rule: .adam(learningRate: lr, beta1: b1, beta2: b2), rows: n, dim: d, on: be)
    }
    let cost = try Self.makeEstimator(estimator, prior: nil).maxEvaluationsPerPoint(dimension: d, valuesKnown: true) + 1
    func row(_ p: Int) throws -> [Float] { try be.download(x, offset: p * d, count: d) }

    do {
      // The clean points: baseline loss and already-adversarial samples.
      var e = try st.evaluate(Tensor(buffer: x, shape: [n, d], on: be), owners: ids, purpose: .successCheck)
      var fx = e.loss
      for (p, i) in ids.enumerated() {
        lastLabel[i] = e.labels[p]
        if e.success[p] { st.finish(i, adversarial: try row(p), success: true, label: e.labels[p]) }
      }
      var t = 0
      while true {
        // Leave: finished, or cannot pay for another estimate plus its check.
        for (p, i) in ids.enumerated() where !st.isFinished(i) && st.remaining(i) < cost {
          st.finish(i, adversarial: try row(p), success: false, label: lastLabel[i])
        }
        let keep = ids.indices.filter { !st.isFinished(ids[$0]) }
        if keep.count < ids.count {
          x = try be.gathered(x, keep, cols: d); x0 = try be.gathered(x0, keep, cols: d)
          try adam?.compact(keep.map { Int32($0) })
          fx = keep.map { fx[$0] }; ids = keep.map { ids[$0] }
        }
        if ids.isEmpty { break }
        t += 1
        let m = ids.count
        objective.ids = ids
        let est = try Self.makeEstimator(estimator, prior: prior(st, ids: ids))
        let g = try est.estimate(objective, at: Tensor(buffer: x, shape: [m, d], on: be),
                                 values: Tensor(fx, shape: [m], on: be), key: PhiloxKey(seed: seed).derived(UInt64(t)))
        for i in ids { if let f = objective.takeFound(i) { st.finish(i, adversarial: f.x, success: true, label: f.label) } }
        try step(g.gradient.buffer, x: x, origin: x0, rows: m, dim: d, state: adam, t: t, lo: st.lo, hi: st.hi, on: be)
        // Check the new points of the samples still running.
        let live = ids.indices.filter { !st.isFinished(ids[$0]) }
        if live.isEmpty { continue }
        let xs = live.count == m ? x : try be.gathered(x, live, cols: d)
        e = try st.evaluate(Tensor(buffer: xs, shape: [live.count, d], on: be), owners: live.map { ids[$0] },
                            purpose: .successCheck)
        for (k, p) in live.enumerated() {
          let i = ids[p]
          fx[p] = e.loss[k]; lastLabel[i] = e.labels[k]
          if e.success[k] { st.finish(i, adversarial: try row(p), success: true, label: e.labels[k]) }
        }
      }
    } catch where ScoreAttackState.isBudgetRefusal(error) {
      for (p, i) in ids.enumerated() where !st.isFinished(i) {
        st.finish(i, adversarial: (try? row(p)) ?? Array(st.original(i)), success: false, label: lastLabel[i])
      }
    }
    return st.run(attack: name)
  }

  /// One projected step on every row.
  private func step(_ g: DeviceBuffer, x: DeviceBuffer, origin: DeviceBuffer, rows m: Int, dim: Int,
                    state: ZOUpdateState?, t: Int, lo: Float, hi: Float, on be: Backend) throws {
    let count = m * dim
    switch update {
    case let .pgd(eta):
      let dir = try be.makeBuffer(count: max(count, 1))
      switch norm {
      case .linf: try be.unary(.sign, g, into: dir, count: count)
      case .l2:
        try be.copy(g, srcOffset: 0, to: dir, dstOffset: 0, count: count)
        let norms = try be.makeBuffer(count: m), tiny = try be.makeBuffer(count: m)
        try be.rows(.l2Norm, dir, into: norms, rows: m, cols: dim)
        try be.fill(tiny, value: 1e-12, offset: 0, count: m)
        try be.binary(.max, norms, tiny, into: norms, count: m)
        try be.broadcast(.div, dir, norms, into: dir, rows: m, cols: dim, axis: .column)
      }
      try be.stepProject(x: x, direction: dir, origin: origin, stepSize: -eta, epsilon: epsilon, norm: norm,
                         lo: lo, hi: hi, into: x, rows: m, cols: dim)
    case .adam:
      try state?.apply(gradient: g, to: x, t: t)
      let zero = try be.makeBuffer(count: max(count, 1))
      try be.fill(zero, value: 0, offset: 0, count: count)
      try be.stepProject(x: x, direction: zero, origin: origin, stepSize: 0, epsilon: epsilon, norm: norm,
                         lo: lo, hi: hi, into: x, rows: m, cols: dim)
    }
  }

  /// P-RGF's prior: the surrogate's gradient of the same loss at the current points.
  private func prior(_ st: ScoreAttackState, ids: [Int]) -> (@Sendable (Tensor) throws -> Tensor)? {
    guard case let .prgf(_, _, _, surrogate) = estimator else { return nil }
    let labels = ids.map { st.labels[$0] }, targets = ids.map { st.target($0) }
    let loss = self.loss, shape = st.inputShape, d = st.d
    return { p in
      let m = p.rows
      let xs = try p.reshaped([m] + shape)
      let logits = try surrogate.logits(xs).toArray()
      let k = surrogate.classCount
      var grad = [Float]()
      grad.reserveCapacity(m * k)
      for r in 0..<m { grad += loss.gradient(logits: logits[(r * k)..<((r + 1) * k)], label: labels[r], target: targets[r]) }
      let gx = try surrogate.inputGradient(xs, gradLogits: Tensor(grad, shape: [m, k], on: p.backend))
      return try gx.reshaped([m, d])
    }
  }
}
