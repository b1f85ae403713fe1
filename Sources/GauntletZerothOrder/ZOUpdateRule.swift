import Foundation
import GauntletCore

/// How a zeroth-order optimizer turns a gradient estimate `ĝ` into a step.
///
/// - `sgd`: `x ← x − η·ĝ` (ZO-SGD; Ghadimi & Lan, "Stochastic first- and zeroth-order methods for
///   nonconvex stochastic programming", SIAM J. Optim. 2013).
/// - `signSGD`: `x ← x − η·sign(ĝ)` (ZO-signSGD; Liu, Chen, Chen & Hong, "signSGD via
///   Zeroth-Order Oracle", ICLR 2019).
/// - `adam`: Adam with bias correction on `ĝ` (Kingma & Ba, ICLR 2015), as in ZOO's
///   coordinate-wise ADAM (Chen et al., AISec 2017).
/// - `adaMM`: ZO-AdaMM, `m ← β₁m + (1−β₁)ĝ`, `v ← β₂v + (1−β₂)ĝ²`, `v̂ ← max(v̂, v)`,
///   `x ← Π(x − η·m/√v̂)` (Chen, Liu, Xu, Li, Lin, Hong & Cox, "ZO-AdaMM: Zeroth-Order Adaptive
///   Momentum Method for Black-Box Optimization", NeurIPS 2019, Alg. 1). With a box the
///   Mahalanobis projection Π is coordinate-wise clipping.
public enum ZOUpdateRule: Sendable, Hashable {
  case sgd(learningRate: Float)
  case signSGD(learningRate: Float)
  case adam(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8)
  case adaMM(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8)

  /// Throws unless η > 0, β ∈ (0, 1) and ε > 0 (all finite).
  public func validate() throws {
    switch self {
    case let .sgd(lr), let .signSGD(lr):
      try ZOCheck.positive(lr, "learningRate")
    case let .adam(lr, b1, b2, eps), let .adaMM(lr, b1, b2, eps):
      try ZOCheck.positive(lr, "learningRate")
      try ZOCheck.unitOpen(b1, "beta1")
      try ZOCheck.unitOpen(b2, "beta2")
      try ZOCheck.positive(eps, "epsilon")
    }
  }

  public var name: String {
    switch self {
    case let .sgd(lr): return "zo-sgd(η=\(lr))"
    case let .signSGD(lr): return "zo-signsgd(η=\(lr))"
    case let .adam(lr, b1, b2, _): return "zo-adam(η=\(lr),β₁=\(b1),β₂=\(b2))"
    case let .adaMM(lr, b1, b2, _): return "zo-adamm(η=\(lr),β₁=\(b1),β₂=\(b2))"
    }
  }
}

/// Device-resident optimizer state (Adam moments) for a batch of `rows × dim` iterates, one
/// independent optimizer per row; attacks use it to run ZO-Adam / ZO-AdaMM on many samples.
///
/// ```swift
/// let state = try ZOUpdateState(rule: .adam(learningRate: 0.01), rows: n, dim: d, on: backend)
/// try state.apply(gradient: g.buffer, to: x, t: 1)   // x ← x − Adam step
/// try state.compact([0, 2])                          // rows 0 and 2 stay in the batch
/// ```
public final class ZOUpdateState {
  public let rule: ZOUpdateRule
  public let backend: Backend
  public private(set) var rows: Int
  public let dim: Int
  private var m: DeviceBuffer?, v: DeviceBuffer?, vHat: DeviceBuffer?

  public init(rule: ZOUpdateRule, rows: Int, dim: Int, on backend: Backend) throws {
    try rule.validate()
    try Validate.sizes("ZOUpdateState", ("rows", rows), ("dim", dim))
    self.rule = rule; self.backend = backend; self.rows = rows; self.dim = dim
    switch rule {
    case .sgd, .signSGD: break
    case .adam, .adaMM:
      m = try zeros(); v = try zeros()
      if case .adaMM = rule { vHat = try zeros() }
    }
  }

  private func zeros() throws -> DeviceBuffer {
    let b = try backend.makeBuffer(count: max(rows * dim, 1))
    try backend.fill(b, value: 0, offset: 0, count: rows * dim)
    return b
  }

  /// Keeps only the rows `keep` (indices into the current rows), in that order.
  public func compact(_ keep: [Int32]) throws {
    func g(_ b: DeviceBuffer?) throws -> DeviceBuffer? {
      guard let b else { return nil }
      let out = try backend.makeBuffer(count: max(keep.count * dim, 1))
      try backend.gatherRows(b, indices: keep, cols: dim, into: out)
      return out
    }
    m = try g(m); v = try g(v); vHat = try g(vHat)
    rows = keep.count
  }

  /// `x ← x − step(g)` for step number `t` (1-based); `g` and `x` hold `rows × dim` values.
  public func apply(gradient g: DeviceBuffer, to x: DeviceBuffer, t: Int) throws {
    let be = backend, n = rows * dim
    guard n > 0 else { return }
    switch rule {
    case let .sgd(lr):
      try be.axpy(alpha: -lr, g, x, count: n)
    case let .signSGD(lr):
      let s = try be.makeBuffer(count: n)
      try be.unary(.sign, g, into: s, count: n)
      try be.axpy(alpha: -lr, s, x, count: n)
    case let .adam(lr, b1, b2, eps), let .adaMM(lr, b1, b2, eps):
      guard let m, let v else { return }
      let tmp = try be.makeBuffer(count: n)
      try be.unary(.affine(scale: b1, shift: 0), m, into: m, count: n)
      try be.axpy(alpha: 1 - b1, g, m, count: n)
      try be.unary(.square, g, into: tmp, count: n)
      try be.unary(.affine(scale: b2, shift: 0), v, into: v, count: n)
      try be.axpy(alpha: 1 - b2, tmp, v, count: n)
      var lrT = lr
      if case .adam = rule {
        // m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
        let bc1 = 1 - Float(pow(Double(b1), Double(t))), bc2 = 1 - Float(pow(Double(b2), Double(t)))
        try be.unary(.sqrt, v, into: tmp, count: n)
        try be.unary(.affine(scale: 1 / bc2.squareRoot(), shift: eps), tmp, into: tmp, count: n)
        lrT = lr / bc1
      } else if let vHat {
        try be.binary(.max, vHat, v, into: vHat, count: n)
        try be.unary(.sqrt, vHat, into: tmp, count: n)
        try be.unary(.affine(scale: 1, shift: eps), tmp, into: tmp, count: n)
      }
      try be.binary(.div, m, tmp, into: tmp, count: n)
      try be.axpy(alpha: -lrT, tmp, x, count: n)
    }
  }
}
