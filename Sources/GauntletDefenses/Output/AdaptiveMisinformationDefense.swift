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
