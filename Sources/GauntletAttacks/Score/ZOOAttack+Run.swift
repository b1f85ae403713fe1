import Foundation
import GauntletCore
import GauntletOracle
import GauntletZerothOrder

extension ZOOAttack {
  public func run(_ oracle: OracleSession, inputs: Tensor, labels: [Int32], goal: AttackGoal) throws -> AttackRun {
    let st = try ScoreAttackState(session: oracle, inputs: inputs, labels: labels, goal: goal, loss: .margin,
                                  maxQueries: maxQueries, attack: name)
    let g = try ImageGeometry(oracle.inputShape, override: imageShape)
    let be = st.backend, n = st.n, d = st.d
    let (dz, lift) = try ZOOSpace.make(g, reducedSide: reducedSide, on: be)
    let obj = try ZOOObjective(state: st, dimension: dz, lift: lift, kappa: confidence, c: c)
    let B = min(coordinatesPerStep, dz), cost = 2 * B + 1
    let perStep = max(1, (maxQueries - 1) / cost / binarySearchSteps)
    let fd = try CoordinateEstimator(h: h, scheme: .central, coordinates: .random(count: B))
    var adam = ZOOAdam(n: n, dim: dz, learningRate: learningRate)
    let (zLo, zHi) = ZOOSpace.bounds(st, g, dz, reducedSide)
    var rng = (0..<n).map { HostRandom(key: PhiloxKey(seed: seed).derived(UInt64($0))) }
    var lastX = st.originals, lastLabel = labels
    var searchStep = [Int](repeating: 0, count: n), iters = [Int](repeating: 0, count: n)

    do {
      let e0 = try st.evaluate(host: st.originals, owners: Array(0..<n), purpose: .successCheck)
      for i in 0..<n {
        lastLabel[i] = e0.labels[i]
        if e0.success[i] { st.finish(i, adversarial: Array(st.original(i)), success: true, label: e0.labels[i]) }
      }
      var t = 0
      while true {
        for i in st.unfinished where st.remaining(i) < cost {
          st.finish(i, adversarial: Array(lastX[(i * d)..<((i + 1) * d)]), success: false, label: lastLabel[i])
        }
        let ids = st.unfinished
        if ids.isEmpty { break }
        t += 1
        obj.ids = ids
        let idx: [Int32] = ids.flatMap { i in
          ZOOSpace.coordinates(B, of: dz, weights: importanceSampling ? adam.weights(i) : nil, &rng[i]).map { Int32($0) }
        }
        let z = try Tensor(ids.flatMap { adam.z(i: $0) }, shape: [ids.count, dz], on: be)
        let p = try fd.partials(obj, at: z, coordinates: idx, coordinatesPerPoint: B, values: nil)
        for i in ids { if let f = obj.takeFound(i) { st.finish(i, adversarial: f.x, success: true, label: f.label) } }
        for (k, i) in ids.enumerated() where !st.isFinished(i) {
          for j in 0..<B {
            let coord = Int(idx[k * B + j])
            adam.update(i: i, coordinate: coord, gradient: p.derivatives[k * B + j], lo: zLo[i * dz + coord], hi: zHi[i * dz + coord])
          }
        }
        let live = ids.filter { !st.isFinished($0) }
        if live.isEmpty { continue }
        obj.ids = live
        let xs = try obj.points(Tensor(live.flatMap { adam.z(i: $0) }, shape: [live.count, dz], on: be))
        let e = try st.evaluate(xs, owners: live, purpose: .successCheck)
        let xh = try xs.toArray()
        for (k, i) in live.enumerated() {
          lastX.replaceSubrange((i * d)..<((i + 1) * d), with: xh[(k * d)..<((k + 1) * d)])
          lastLabel[i] = e.labels[k]
          if e.success[k] { st.finish(i, adversarial: Array(xh[(k * d)..<((k + 1) * d)]), success: true, label: e.labels[k]); continue }
          iters[i] += 1
          if iters[i] >= perStep && searchStep[i] + 1 < binarySearchSteps {
            searchStep[i] += 1; iters[i] = 0
            obj.c[i] *= 10
            adam.reset(i: i)
          }
        }
      }
    } catch where ScoreAttackState.isBudgetRefusal(error) {
      for i in st.unfinished { st.finish(i, adversarial: Array(lastX[(i * d)..<((i + 1) * d)]), success: false, label: lastLabel[i]) }
    }
    return st.run(attack: name)
  }
}

/// Host-side coordinate ADAM state of every sample (Alg. 2 of the ZOO paper; per-coordinate
/// step counts for the bias correction, as in the authors' `coordinate_ADAM`).
struct ZOOAdam {
  let n: Int, dim: Int, learningRate: Float
  let beta1: Float = 0.9, beta2: Float = 0.999
  private var zs: [Float], m: [Float], v: [Float], epoch: [Int]

  init(n: Int, dim: Int, learningRate: Float) {
    self.n = n; self.dim = dim; self.learningRate = learningRate
    zs = [Float](repeating: 0, count: n * dim); m = zs; v = zs
    epoch = [Int](repeating: 1, count: n * dim)
  }

  func z(i: Int) -> ArraySlice<Float> { zs[(i * dim)..<((i + 1) * dim)] }

  mutating func update(i: Int, coordinate c: Int, gradient g: Float, lo: Float, hi: Float) {
    let k = i * dim + c
    m[k] = beta1 * m[k] + (1 - beta1) * g
    v[k] = beta2 * v[k] + (1 - beta2) * g * g
    let e = Float(epoch[k])
    let corr = (1 - powf(beta2, e)).squareRoot() / (1 - powf(beta1, e))
    zs[k] = min(max(zs[k] - learningRate * corr * m[k] / (v[k].squareRoot() + 1e-8), lo), hi)
    epoch[k] += 1
  }

  mutating func reset(i: Int) {
    for k in (i * dim)..<((i + 1) * dim) { zs[k] = 0; m[k] = 0; v[k] = 0; epoch[k] = 1 }
  }

  /// Importance weights: half uniform, half ∝ |z_i|.
  func weights(_ i: Int) -> [Float] {
    let a = z(i: i).map { abs($0) }, s = a.reduce(0, +)
    return a.map { 0.5 / Float(dim) + (s > 0 ? 0.5 * $0 / s : 0.5 / Float(dim)) }
  }
}
