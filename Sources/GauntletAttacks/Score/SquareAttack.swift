import GauntletCore
import GauntletOracle

/// Square Attack: random search over square-shaped updates at the boundary of the ε-ball, one
/// oracle query per sample per iteration, keeping a candidate only when it lowers the loss.
///
/// L∞ (Alg. 1 and Sec. 3.1): start from vertical stripes `±ε`; each step sets a random `s×s`
/// window of every channel to a fresh random `±ε` (resampled until it changes the point). L2
/// (Sec. 3.2): start from a grid of ±"meta-pattern" blocks scaled to ‖δ‖₂ = ε; each step puts a
/// new meta-pattern into window 1 and moves the mass of window 2 into it, then rescales to ε. The
/// side `s` follows the paper's schedule `p` (halved at 10, 50, 200, 500, 1k, 2k, 4k, 6k, 8k of
/// 10k iterations, rescaled to `maxQueries`). The loss is the margin (untargeted) or cross-entropy
/// (targeted), as in the authors' code, unless `loss` is given.
///
/// Differences from the reference code: windows and signs are drawn per sample (the reference
/// shares an L2 window across the batch), and window corners range over every valid position.
///
/// Reference: Andriushchenko, Croce, Flammarion & Hein, "Square Attack: a query-efficient
/// black-box adversarial attack via random search", ECCV 2020.
///
/// ```swift
/// let square = try SquareAttack(norm: .linf, epsilon: 0.2, maxQueries: 1_000)
/// let run = try square.run(oracle.session(client: "a"), inputs: x, labels: y)
/// ```
public struct SquareAttack: ScoreBasedAttack {
  public let norm: Norm
  /// Radius ε of the perturbation ball (in input units).
  public let epsilon: Float
  /// Per-sample query budget (= iterations, one query each).
  public let maxQueries: Int
  /// Initial fraction of pixels changed per step, `p_init` ∈ (0, 1].
  public let pInit: Float
  /// Loss to minimize; nil: margin untargeted, cross-entropy targeted.
  public let loss: ScoreLoss?
  public let seed: UInt64
  /// How to read one input as an image (`[c, h, w]`); nil: from the oracle's input shape.
  public let imageShape: [Int]?

  public init(norm: Norm = .linf, epsilon: Float, maxQueries: Int = 1_000, pInit: Float = 0.3,
              loss: ScoreLoss? = nil, seed: UInt64 = 0, imageShape: [Int]? = nil) throws {
    try AttackCheck.positive(epsilon, "epsilon")
    try AttackCheck.positive(maxQueries, "maxQueries")
    try AttackCheck.unit(pInit, "pInit")
    self.norm = norm; self.epsilon = epsilon; self.maxQueries = maxQueries; self.pInit = pInit
    self.loss = loss; self.seed = seed; self.imageShape = imageShape
  }

  public var name: String { "square-\(norm.rawValue)(ε=\(epsilon),q=\(maxQueries),p=\(pInit))" }

  /// The paper's schedule of `p` at iteration `it` of `total`.
  static func p(_ pInit: Float, iteration it: Int, of total: Int) -> Float {
    let i = Int(Double(it) / Double(max(total, 1)) * 10_000)
    let cuts = [10, 50, 200, 500, 1_000, 2_000, 4_000, 6_000, 8_000]
    var p = pInit
    for c in cuts where i > c { p /= 2 }
    return p
  }

  public func run(_ oracle: OracleSession, inputs: Tensor, labels: [Int32], goal: AttackGoal) throws -> AttackRun {
    let lossKind = loss ?? (goal == .untargeted ? .margin : .crossEntropy)
    let st = try ScoreAttackState(session: oracle, inputs: inputs, labels: labels, goal: goal, loss: lossKind,
                                  maxQueries: maxQueries, attack: name)
    let g = try ImageGeometry(oracle.inputShape, override: imageShape)
    guard g.count == st.d else {
      throw GauntletError.shapeMismatch(operation: name, detail: "input shape \(oracle.inputShape) vs \(st.d) features")
    }
    let n = st.n, d = st.d
    var rng = (0..<n).map { HostRandom(key: PhiloxKey(seed: seed).derived(UInt64($0))) }
    var best = [Float](repeating: 0, count: n * d)
    var bestLoss = [Float](repeating: .infinity, count: n)
    var bestLabel = labels

    // Initialization (one query per sample).
    for i in 0..<n {
      let x0 = Array(st.original(i))
      let x = norm == .linf ? SquareSteps.stripes(x0, g, epsilon, st.lo, st.hi, &rng[i])
                            : SquareSteps.l2Start(x0, g, epsilon, st.lo, st.hi, &rng[i])
      best.replaceSubrange((i * d)..<((i + 1) * d), with: x)
    }
    var active = Array(0..<n)
    var iteration = 0
    do {
      while !active.isEmpty {
        var rows = [Float]()
        rows.reserveCapacity(active.count * d)
        if iteration == 0 {
          for i in active { rows += best[(i * d)..<((i + 1) * d)] }
        } else {
          let p = Self.p(pInit, iteration: iteration - 1, of: maxQueries)
          for i in active {
            let x0 = st.original(i), xb = best[(i * d)..<((i + 1) * d)]
            rows += norm == .linf ? SquareSteps.linfStep(x0, xb, g, p: p, epsilon, st.lo, st.hi, &rng[i])
                                  : SquareSteps.l2Step(x0, xb, g, p: p, epsilon, st.lo, st.hi, &rng[i])
          }
        }
        let e = try st.evaluate(host: rows, owners: active, purpose: .loss)
        for (r, i) in active.enumerated() {
          let cand = rows[(r * d)..<((r + 1) * d)]
          if e.success[r] {
            st.finish(i, adversarial: Array(cand), success: true, label: e.labels[r])
          } else if e.loss[r] < bestLoss[i] {
            bestLoss[i] = e.loss[r]; bestLabel[i] = e.labels[r]
            best.replaceSubrange((i * d)..<((i + 1) * d), with: cand)
          }
        }
        iteration += 1
        active = active.filter { !st.isFinished($0) }
        for i in active where st.remaining(i) < 1 {
          st.finish(i, adversarial: Array(best[(i * d)..<((i + 1) * d)]), success: false, label: bestLabel[i])
        }
        active = active.filter { !st.isFinished($0) }
      }
    } catch where ScoreAttackState.isBudgetRefusal(error) {
      for i in st.unfinished {
        // A sample refused before its first answer keeps its original.
        let x = bestLoss[i].isFinite ? Array(best[(i * d)..<((i + 1) * d)]) : Array(st.original(i))
        st.finish(i, adversarial: x, success: false, label: bestLabel[i])
      }
    }
    return st.run(attack: name)
  }
}
