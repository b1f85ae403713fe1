import GauntletCore
import GauntletOracle

/// Adaptive misinformation (Kariyappa & Qureshi, "Defending Against Model Stealing Attacks with
/// Adaptive Misinformation", CVPR 2020).
///
/// Out-of-distribution queries — the bulk of an extraction attack's traffic — get misinformation,
/// in-distribution queries the true answer: with the OOD score `ymax = max_j p_j` (maximum
/// softmax probability, Hendrycks & Gimpel, ICLR 2017), `α = 1 / (1 + exp(ν·(ymax − τ)))` and
/// `ỹ = (1 − α)·y + α·ŷ`, where `ŷ` is the misinformation function's output: the softmax of a
/// given `misinformation` classifier (one trained to put little mass on the correct class), or,
/// by default, `softmax(−z)` of the victim's own logits `z` (most mass on its least likely class).
/// Argmax is not promised (it is meant to change for OOD rows). All on the backend.
///
/// Spec: `adaptive-misinformation:tau=0.5,nu=1000` (alias `am`).
public struct AdaptiveMisinformationDefense: OutputDefense {
  public let tau: Float
  public let nu: Float
  public let misinformation: (any Classifier)?

  public init(tau: Float, nu: Float = 1000, misinformation: (any Classifier)? = nil) throws {
    try DefenseMath.requireFinite(tau, "tau", in: 0...1, "adaptive-misinformation")
    guard nu.isFinite, nu > 0 else {
      throw GauntletError.invalidArgument(name: "adaptive-misinformation.nu", detail: "must be finite and > 0, got \(nu)")
    }
    self.tau = tau; self.nu = nu; self.misinformation = misinformation
  }

  public var spec: String { "adaptive-misinformation:tau=\(specNumber(tau)),nu=\(specNumber(nu))" }

  public func prepare(_ setup: DefenseSetup) throws {
    guard let m = misinformation else { return }
    guard m.backend === setup.backend, m.classCount == setup.classCount,
          m.inputShape.reduce(1, *) == setup.featureCount else {
      throw GauntletError.invalidArgument(
        name: "adaptive-misinformation.misinformation",
        detail: "the misinformation model must take the victim's inputs (\(setup.inputShape)) to its \(setup.classCount) classes on \(setup.backend.name)")
    }
  }

  public func apply(to batch: inout DefenseBatch) throws {
    let be = batch.backend, rows = batch.rows, cols = batch.classCount, n = batch.count
    let p = try batch.probabilities()
    let alpha = try be.makeBuffer(count: rows)
    try be.rows(.max, p.buffer, into: alpha, rows: rows, cols: cols)
    try be.unary(.affine(scale: -nu, shift: nu * tau), alpha, into: alpha, count: rows)
    try be.unary(.sigmoid, alpha, into: alpha, count: rows)
    let q = try be.makeBuffer(count: n)
    if let m = misinformation {
      let z = try m.logits(batch.inputs.reshaped([rows] + m.inputShape))
      try be.rows(.softmax, z.buffer, into: q, rows: rows, cols: cols)
    } else {
      try be.unary(.affine(scale: -1, shift: 0), batch.modelLogits.buffer, into: q, count: n)
      try be.rows(.softmax, q, into: q, rows: rows, cols: cols)
    }
    try be.binary(.sub, q, p.buffer, into: q, count: n)
    try be.broadcast(.mul, q, alpha, into: q, rows: rows, cols: cols, axis: .column)
    try be.binary(.add, p.buffer, q, into: q, count: n)
    try batch.setProbabilities(DefenseMath.tensor(q, rows, cols, be))
  }
}

/// Argmax-preserving deceptive perturbation: keeps each row's top-1 probability and hands the
/// runner-up classes each other's mass in reversed rank order (the most likely wrong class gets the
/// least likely one's probability), mixed with strength `beta`:
/// `p̃_j = (1 − β)·p_j + β·p_{π(j)}`, `π` reversing the ranks of the non-top classes.
/// Rows stay probability distributions, the label never changes (zero accuracy cost), while the
/// "dark knowledge" in the ranking of the wrong classes — what distillation-style extraction
/// learns from — is inverted. In the spirit of the deceptive perturbations of Lee et al., "Defending
/// Against NN Model Stealing Attacks Using Deceptive Perturbations" (IEEE S&P Workshops 2019); the
/// rank-reversal construction is Gauntlet's. A sort per row, on the host.
///
/// Spec: `deceptive:beta=1`.
public struct DeceptivePerturbationDefense: OutputDefense {
  public let beta: Float

  public init(beta: Float) throws {
    try DefenseMath.requireFinite(beta, "beta", in: 0...1, "deceptive")
    self.beta = beta
  }

  public var spec: String { "deceptive:beta=\(specNumber(beta))" }
  public var preservesArgmax: Bool { true }

  public func apply(to batch: inout DefenseBatch) throws {
    let K = batch.classCount
    guard K > 2 else { return }
    var p = try batch.hostProbabilities()
    var order = [Int](repeating: 0, count: K - 1)
    var row = [Float](repeating: 0, count: K)
    for r in 0..<batch.rows {
      let base = r * K
      for j in 0..<K { row[j] = p[base + j] }
      var c = 0
      for j in 1..<K where row[j] > row[c] { c = j }
      // non-top classes by decreasing probability (ties: lower index first), insertion sort
      var n = 0
      for j in 0..<K where j != c {
        var i = n
        while i > 0 && (row[order[i - 1]] < row[j] || (row[order[i - 1]] == row[j] && order[i - 1] > j)) {
          order[i] = order[i - 1]; i -= 1
        }
        order[i] = j; n += 1
      }
      for i in 0..<n {
        let j = order[i], partner = order[n - 1 - i]
        p[base + j] = (1 - beta) * row[j] + beta * row[partner]
      }
    }
    try batch.setHostProbabilities(p)
  }
}
