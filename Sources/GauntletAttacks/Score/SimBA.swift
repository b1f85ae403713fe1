import Foundation
import GauntletCore
import GauntletOracle

/// SimBA: Simple Black-box Attack. Walk through a random order of orthonormal directions `q`;
/// for each, try `x − εq`, and if the loss (the true class's probability; the target's negated
/// when targeted) does not drop, `x + εq`; keep whichever lowers it. At most two queries per
/// direction, each direction used once.
///
/// - `pixel`: the standard basis (each step changes one pixel by ±ε, so ‖δ‖∞ ≤ ε).
/// - `dct(initialSize:stride:)`: the orthonormal 2-D DCT-II basis of each channel, low
///   frequencies first: a random order of the `initialSize × initialSize` block, then L-shaped
///   bands of width `stride`, each in random order (SimBA-DCT's `block_order`).
///
/// Reference: Guo, Gardner, You, Wilson & Weinberger, "Simple Black-box Adversarial Attacks",
/// ICML 2019 (Alg. 1).
///
/// ```swift
/// let simba = try SimBA(basis: .dct(initialSize: 4, stride: 1), epsilon: 0.2, maxQueries: 500)
/// ```
public struct SimBA: ScoreBasedAttack {
  public enum Basis: Sendable, Hashable {
    case pixel
    case dct(initialSize: Int, stride: Int)
  }

  public let basis: Basis
  /// Step size ε along each direction.
  public let epsilon: Float
  public let maxQueries: Int
  public let seed: UInt64
  /// How to read one input as an image (`[c, h, w]`); nil: from the oracle's input shape.
  public let imageShape: [Int]?

  public init(basis: Basis = .pixel, epsilon: Float = 0.2, maxQueries: Int = 1_000, seed: UInt64 = 0,
              imageShape: [Int]? = nil) throws {
    try AttackCheck.positive(epsilon, "epsilon")
    try AttackCheck.positive(maxQueries, "maxQueries")
    if case let .dct(s, k) = basis {
      try AttackCheck.positive(s, "initialSize")
      try AttackCheck.positive(k, "stride")
    }
    self.basis = basis; self.epsilon = epsilon; self.maxQueries = maxQueries; self.seed = seed
    self.imageShape = imageShape
  }

  public var name: String {
    switch basis {
    case .pixel: return "simba-pixel(ε=\(epsilon),q=\(maxQueries))"
    case let .dct(s, k): return "simba-dct(ε=\(epsilon),q=\(maxQueries),init=\(s),stride=\(k))"
    }
  }

  public func run(_ oracle: OracleSession, inputs: Tensor, labels: [Int32], goal: AttackGoal) throws -> AttackRun {
    let st = try ScoreAttackState(session: oracle, inputs: inputs, labels: labels, goal: goal, loss: .probability,
                                  maxQueries: maxQueries, attack: name)
    let g = try ImageGeometry(oracle.inputShape, override: imageShape)
    let n = st.n, d = st.d
    var rng = (0..<n).map { HostRandom(key: PhiloxKey(seed: seed).derived(UInt64($0))) }
    let orders: [[Int]] = (0..<n).map { i in
      switch basis {
      case .pixel: return rng[i].permutation(d)
      case let .dct(s, k): return DCTBasis.blockOrder(g, initialSize: s, stride: k, &rng[i])
      }
    }
    var x = st.originals
    var current = [Float](repeating: .infinity, count: n)
    var currentLabel = labels
    var step = [Int](repeating: 0, count: n)
    func row(_ i: Int) -> ArraySlice<Float> { x[(i * d)..<((i + 1) * d)] }
    func direction(_ i: Int) -> [Float] {
      let k = orders[i][step[i]]
      switch basis {
      case .pixel:
        var q = [Float](repeating: 0, count: d); q[k] = 1; return q
      case .dct: return DCTBasis.vector(g, index: k)
      }
    }
    func candidate(_ i: Int, _ q: [Float], _ sign: Float) -> [Float] {
      let r = row(i)
      return (0..<d).map { min(max(r[r.startIndex + $0] + sign * epsilon * q[$0], st.lo), st.hi) }
    }

    do {
      // The clean point: baseline loss, and whether it is already adversarial.
      let e0 = try st.evaluate(host: st.originals, owners: Array(0..<n), purpose: .successCheck)
      for i in 0..<n {
        current[i] = e0.loss[i]; currentLabel[i] = e0.labels[i]
        if e0.success[i] { st.finish(i, adversarial: Array(row(i)), success: true, label: e0.labels[i]) }
      }
      var active = (0..<n).filter { !st.isFinished($0) }
      while true {
        for i in active where st.remaining(i) < 1 || step[i] >= d {
          st.finish(i, adversarial: Array(row(i)), success: false, label: currentLabel[i])
        }
        active = active.filter { !st.isFinished($0) }
        if active.isEmpty { break }
        let dirs = active.map(direction)
        // x − εq for every active sample, then x + εq where that did not help.
        let left = active.indices.flatMap { candidate(active[$0], dirs[$0], -1) }
        let el = try st.evaluate(host: left, owners: active, purpose: .loss)
        var retry: [Int] = []
        for (r, i) in active.enumerated() {
          if el.success[r] || el.loss[r] < current[i] {
            x.replaceSubrange((i * d)..<((i + 1) * d), with: left[(r * d)..<((r + 1) * d)])
            current[i] = el.loss[r]; currentLabel[i] = el.labels[r]
            if el.success[r] { st.finish(i, adversarial: Array(row(i)), success: true, label: el.labels[r]) }
          } else if st.remaining(i) >= 1 {
            retry.append(r)
          }
        }
        if !retry.isEmpty {
          let owners = retry.map { active[$0] }
          let right = retry.flatMap { candidate(active[$0], dirs[$0], 1) }
          let er = try st.evaluate(host: right, owners: owners, purpose: .loss)
          for (k, i) in owners.enumerated() where er.success[k] || er.loss[k] < current[i] {
            x.replaceSubrange((i * d)..<((i + 1) * d), with: right[(k * d)..<((k + 1) * d)])
            current[i] = er.loss[k]; currentLabel[i] = er.labels[k]
            if er.success[k] { st.finish(i, adversarial: Array(row(i)), success: true, label: er.labels[k]) }
          }
        }
        for i in active { step[i] += 1 }
        active = active.filter { !st.isFinished($0) }
      }
    } catch where ScoreAttackState.isBudgetRefusal(error) {
      for i in st.unfinished { st.finish(i, adversarial: Array(row(i)), success: false, label: currentLabel[i]) }
    }
    return st.run(attack: name)
  }
}

/// The orthonormal 2-D DCT-II basis per channel, and SimBA-DCT's low-frequency-first order.
enum DCTBasis {
  /// Basis vector for flat index `k = (ch·h + u)·w + v` (frequency `(u, v)` of channel `ch`):
  /// `α(u)α(v)·cos(π(2i+1)u/2h)·cos(π(2j+1)v/2w)` on channel `ch`, 0 elsewhere; unit L2 norm.
  static func vector(_ g: ImageGeometry, index k: Int) -> [Float] {
    let ch = k / (g.h * g.w), u = (k / g.w) % g.h, v = k % g.w
    var q = [Float](repeating: 0, count: g.count)
    let au = u == 0 ? (1 / Double(g.h)).squareRoot() : (2 / Double(g.h)).squareRoot()
    let av = v == 0 ? (1 / Double(g.w)).squareRoot() : (2 / Double(g.w)).squareRoot()
    for i in 0..<g.h {
      let ci = cos(Double.pi * Double(2 * i + 1) * Double(u) / Double(2 * g.h))
      for j in 0..<g.w {
        let cj = cos(Double.pi * Double(2 * j + 1) * Double(v) / Double(2 * g.w))
        q[g.index(ch, i, j)] = Float(au * av * ci * cj)
      }
    }
    return q
  }

  /// All `c·h·w` flat indices: the `initialSize²` lowest frequencies of every channel in random
  /// order, then each band `[i, i + stride)` (rows `< i + stride` of columns `i..<i+stride`, and
  /// columns `< i` of rows `i..<i+stride`) in random order.
  static func blockOrder(_ g: ImageGeometry, initialSize: Int, stride: Int, _ rng: inout HostRandom) -> [Int] {
    let side = max(g.h, g.w)
    var order: [Int] = []
    func add(_ cells: [(Int, Int)]) {
      var flat: [Int] = []
      for ch in 0..<g.c { for (u, v) in cells where u < g.h && v < g.w { flat.append(g.index(ch, u, v)) } }
      order += rng.permutation(flat.count).map { flat[$0] }
    }
    let s0 = min(initialSize, side)
    add((0..<s0).flatMap { u in (0..<s0).map { (u, $0) } })
    var i = s0
    while i < side {
      let hi = min(i + stride, side)
      var cells: [(Int, Int)] = []
      for u in 0..<hi { for v in i..<hi { cells.append((u, v)) } }
      for u in i..<hi { for v in 0..<i { cells.append((u, v)) } }
      add(cells)
      i = hi
    }
    return order
  }
}
