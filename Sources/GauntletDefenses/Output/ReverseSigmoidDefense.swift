import GauntletCore
import GauntletOracle

/// Reverse sigmoid (Lee et al., "Defending Against NN Model Stealing Attacks Using Deceptive
/// Perturbations", IEEE S&P Workshops 2019): with `s` the sigmoid,
/// `r = β·(s(γ·s⁻¹(p)) − ½)`, `p̃ = normalize(clamp(p − r, 0, 1))`, where `s⁻¹(p) = log(p/(1−p))`
/// on `p` clipped to `[1e-9, 1 − 2⁻²⁴]` (as the Adversarial Robustness Toolbox implements it).
/// Large `β` pushes confident outputs towards uninformative ones; gradients of the revealed
/// probabilities w.r.t. the logits are reversed over much of the range. Argmax is not promised.
///
/// Spec: `reverse-sigmoid:beta=1,gamma=0.1`. All on the backend (10 element-wise ops).
public struct ReverseSigmoidDefense: OutputDefense {
  public let beta: Float
  public let gamma: Float

  public init(beta: Float, gamma: Float) throws {
    guard beta.isFinite, beta > 0 else {
      throw GauntletError.invalidArgument(name: "reverse-sigmoid.beta", detail: "must be finite and > 0, got \(beta)")
    }
    guard gamma.isFinite, gamma > 0 else {
      throw GauntletError.invalidArgument(name: "reverse-sigmoid.gamma", detail: "must be finite and > 0, got \(gamma)")
    }
    self.beta = beta; self.gamma = gamma
  }

  public var spec: String { "reverse-sigmoid:beta=\(specNumber(beta)),gamma=\(specNumber(gamma))" }

  public func apply(to batch: inout DefenseBatch) throws {
    let be = batch.backend, n = batch.count
    let p = try batch.probabilities()
    let a = try be.makeBuffer(count: n), b = try be.makeBuffer(count: n)
    try be.unary(.clamp(lo: 1e-9, hi: 1 - 0x1p-24), p.buffer, into: a, count: n)
    try be.unary(.affine(scale: -1, shift: 1), a, into: b, count: n)     // 1 − p
    try be.unary(.log, a, into: a, count: n)
    try be.unary(.log, b, into: b, count: n)
    try be.binary(.sub, a, b, into: a, count: n)                         // logit(p)
    try be.unary(.affine(scale: gamma, shift: 0), a, into: a, count: n)
    try be.unary(.sigmoid, a, into: a, count: n)
    try be.unary(.affine(scale: beta, shift: -beta / 2), a, into: a, count: n)   // r
    try be.binary(.sub, p.buffer, a, into: a, count: n)
    try be.unary(.clamp(lo: 0, hi: 1), a, into: a, count: n)
    try DefenseMath.normalizeRows(a, rows: batch.rows, cols: batch.classCount, on: be)
    try batch.setProbabilities(DefenseMath.tensor(a, batch.rows, batch.classCount, be))
  }
}
