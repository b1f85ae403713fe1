import Foundation
import GauntletCore

/// Book-keeping shared by the white-box attacks: originals, labels, the box, per-sample gradient
/// evaluations (`lossQueries`) and forward-only checks (`checkQueries`), finished records, timing.
///
/// All rows go through `forward` or `gradient`, which count them per sample; the model runs on its
/// own backend in one batch per call.
final class WhiteBoxState {
  let model: any DifferentiableModel
  let backend: Backend
  let n: Int, d: Int, k: Int
  let inputShape: [Int]
  let originals: [Float]
  let labels: [Int32]
  let goal: AttackGoal
  let lo: Float, hi: Float
  private(set) var gradientEvaluations: [Int]
  private(set) var checks: [Int]
  private var results: [SampleResult?]
  private let start: ContinuousClock.Instant

  init(model: any DifferentiableModel, inputs: Tensor, labels: [Int32], goal: AttackGoal,
       bounds: ClosedRange<Float>, attack: String) throws {
    let d = model.inputShape.reduce(1, *)
    guard inputs.backend === model.backend else {
      throw GauntletError.foreignBuffer(operation: attack, expected: model.backend.name, got: inputs.backend.name)
    }
    guard d > 0, inputs.shape.count >= 2, inputs.cols == d else {
      throw GauntletError.shapeMismatch(operation: attack, detail: "inputs \(inputs.shape) do not hold rows of \(model.inputShape)")
    }
    guard bounds.lowerBound.isFinite, bounds.upperBound.isFinite, bounds.lowerBound < bounds.upperBound else {
      throw GauntletError.invalidArgument(name: "bounds", detail: "the input box must be finite and non-empty, got \(bounds)")
    }
    let n = inputs.rows
    try AttackInputCheck.labels(labels, n: n, classes: model.classCount, goal: goal, attack: attack)
    self.model = model; self.backend = model.backend; self.n = n; self.d = d; self.k = model.classCount
    self.inputShape = model.inputShape
    self.originals = try inputs.toArray()
    self.labels = labels; self.goal = goal
    self.lo = bounds.lowerBound; self.hi = bounds.upperBound
    try AttackInputCheck.inBox(originals, d: d, lo: lo, hi: hi)
    gradientEvaluations = [Int](repeating: 0, count: n)
    checks = [Int](repeating: 0, count: n)
    results = [SampleResult?](repeating: nil, count: n)
    start = ContinuousClock.now
  }

  func original(_ i: Int) -> ArraySlice<Float> { originals[(i * d)..<((i + 1) * d)] }
  func isFinished(_ i: Int) -> Bool { results[i] != nil }
  var unfinished: [Int] { (0..<n).filter { results[$0] == nil } }
  func target(_ i: Int) -> Int32? { goal.target(i) }

  /// Whether `label` is a success for sample `i`.
  func isAdversarial(_ label: Int32, _ i: Int) -> Bool {
    if let t = target(i) { return label == t }
    return label != labels[i]
  }

  /// Logits of host rows (`owners.count × d`), counted as checks of their samples.
  func forward(_ rows: [Float], owners: [Int]) throws -> [Float] {
    guard !owners.isEmpty else { return [] }
    let x = try Tensor(rows, shape: [owners.count] + inputShape, on: backend)
    let z = try model.logits(x).toArray()
    for o in owners { checks[o] += 1 }
    return z
  }

  /// One forward+backward per row: the logits at `rows`, and ∂L/∂x where `gradLogits(r, z_r)` gives
  /// ∂L/∂z for row `r` from its logits. Counted as one gradient evaluation of `owners[r]` per row.
  func gradient(_ rows: [Float], owners: [Int],
                gradLogits: (Int, ArraySlice<Float>) -> [Float]) throws -> (logits: [Float], grad: [Float]) {
    let m = owners.count
    guard m > 0 else { return ([], []) }
    let x = try Tensor(rows, shape: [m] + inputShape, on: backend)
    let z = try model.logits(x).toArray()
    guard z.count == m * k else {
      throw GauntletError.shapeMismatch(operation: "white-box gradient", detail: "model returned \(z.count) logits for \(m) rows")
    }
    var gz = [Float](); gz.reserveCapacity(m * k)
    for r in 0..<m { gz += gradLogits(r, z[(r * k)..<((r + 1) * k)]) }
    let g = try model.inputGradient(x, gradLogits: Tensor(gz, shape: [m, k], on: backend)).toArray()
    for o in owners { gradientEvaluations[o] += 1 }
    // A non-finite gradient would poison the iterate: treat it as zero (no step).
    return (z, g.map { $0.isFinite ? $0 : 0 })
  }

  /// Records sample `i` (first call wins).
  func finish(_ i: Int, adversarial: [Float], success: Bool, label: Int32) {
    guard results[i] == nil else { return }
    results[i] = SampleResult(index: i, trueLabel: labels[i], finalLabel: label, success: success,
                              original: Array(original(i)), adversarial: adversarial,
                              lossQueries: gradientEvaluations[i], checkQueries: checks[i], seconds: elapsed())
  }

  /// The iterative attacks' last step: samples still `active` after the final iterate `x` (flat,
  /// `n × d`) get one forward check (counted) and are recorded as they stand.
  func finishRemaining(_ active: [Int], iterate x: [Float]) throws {
    guard !active.isEmpty else { return }
    var rows = [Float]()
    for i in active { rows += x[(i * d)..<((i + 1) * d)] }
    let z = try forward(rows, owners: active)
    for (r, i) in active.enumerated() {
      let label = Vec.argmax(z[(r * k)..<((r + 1) * k)])
      finish(i, adversarial: Array(rows[(r * d)..<((r + 1) * d)]), success: isAdversarial(label, i), label: label)
    }
  }

  func run(attack: String) -> AttackRun {
    for i in 0..<n where results[i] == nil { finish(i, adversarial: Array(original(i)), success: false, label: labels[i]) }
    return AttackRun(attack: attack, backend: backend.name, samples: results.compactMap { $0 }, seconds: elapsed())
  }

  func elapsed() -> Double {
    seconds(since: start)
  }
}

/// Input checks shared by white-box and decision-based attacks.
enum AttackInputCheck {
  static func labels(_ labels: [Int32], n: Int, classes: Int, goal: AttackGoal, attack: String) throws {
    guard n >= 1 else { throw GauntletError.invalidArgument(name: "inputs", detail: "\(attack) needs at least one sample") }
    guard labels.count == n else {
      throw GauntletError.shapeMismatch(operation: attack, detail: "\(labels.count) labels for \(n) inputs")
    }
    let k = Int32(classes)
    for (i, y) in labels.enumerated() where y < 0 || y >= k {
      throw GauntletError.invalidArgument(name: "labels[\(i)]", detail: "\(y) is outside 0..<\(k)")
    }
    if case let .targeted(t) = goal {
      guard t.count == n else { throw GauntletError.shapeMismatch(operation: attack, detail: "\(t.count) targets for \(n) inputs") }
      for i in 0..<n where t[i] < 0 || t[i] >= k || t[i] == labels[i] {
        throw GauntletError.invalidArgument(name: "targets[\(i)]",
                                            detail: "\(t[i]) must be a class in 0..<\(k) other than the true label \(labels[i])")
      }
    }
  }

  static func inBox(_ x: [Float], d: Int, lo: Float, hi: Float) throws {
    for (i, v) in x.enumerated() where !(v >= lo && v <= hi) {
      if !v.isFinite { throw GauntletError.nonFinite(context: "attack inputs sample \(i / d)", index: i) }
      throw GauntletError.invalidArgument(name: "inputs", detail: "sample \(i / d) feature \(i % d) = \(v) lies outside the input box [\(lo), \(hi)]")
    }
  }
}

/// Host vector helpers for the attacks (row slices of flat arrays).
enum Vec {
  @inline(__always) static func clip(_ v: Float, _ lo: Float, _ hi: Float) -> Float { min(max(v, lo), hi) }

  static func l2(_ a: ArraySlice<Float>) -> Float {
    var s: Double = 0
    for v in a { s += Double(v) * Double(v) }
    return Float(s.squareRoot())
  }

  static func distance(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>, _ norm: Norm) -> Float {
    var s: Double = 0, m: Float = 0
    for (x, y) in zip(a, b) {
      let e = Swift.abs(x - y)
      s += Double(e) * Double(e); m = Swift.max(m, e)
    }
    return norm == .l2 ? Float(s.squareRoot()) : m
  }

  /// Softmax cross-entropy gradient w.r.t. logits, `p − onehot(y)`, and the loss.
  static func crossEntropy(_ z: ArraySlice<Float>, label: Int32) -> (loss: Float, grad: [Float]) {
    let m = z.max() ?? 0
    var e = z.map { Foundation.exp($0 - m) }
    let s = e.reduce(0, +)
    for j in e.indices { e[j] /= s }
    let y = Int(label)
    let loss = -Foundation.log(max(e[y], 1e-30))
    e[y] -= 1
    return (loss, e)
  }

  static func argmax(_ z: ArraySlice<Float>) -> Int32 {
    var best = z.startIndex
    for j in z.indices where z[j] > z[best] { best = j }
    return Int32(best - z.startIndex)
  }

  /// The largest logit other than `label`'s: (class, value).
  static func bestOther(_ z: ArraySlice<Float>, label: Int32) -> (Int, Float) {
    var bj = -1, bv = -Float.infinity
    for j in 0..<z.count where j != Int(label) && z[z.startIndex + j] > bv { bj = j; bv = z[z.startIndex + j] }
    return (bj, bv)
  }

  /// Projects `x` onto the ε-ball (norm) around `x0`, then into `[lo, hi]`.
  static func project(_ x: inout [Float], _ x0: ArraySlice<Float>, _ norm: Norm, _ eps: Float, _ lo: Float, _ hi: Float) {
    let b = x0.startIndex
    switch norm {
    case .linf:
      for j in x.indices { x[j] = clip(clip(x[j], x0[b + j] - eps, x0[b + j] + eps), lo, hi) }
    case .l2:
      var s: Float = 0
      for j in x.indices { let e = x[j] - x0[b + j]; s += e * e }
      let nrm = s.squareRoot()
      let f: Float = nrm > eps ? eps / nrm : 1
      for j in x.indices { x[j] = clip(x0[b + j] + (x[j] - x0[b + j]) * f, lo, hi) }
      // Clipping can only shrink each coordinate's distance, so the ball still holds.
    }
  }
}
