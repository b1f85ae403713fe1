import Foundation
import GauntletCore

/// Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015), Algorithm 1:
/// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`,
/// `θ ← θ − α·m̂/(√v̂ + ε)`. `weightDecay` adds `λ·θ` to the gradient (L2, not AdamW).
/// Every update runs on the parameters' device.
///
/// ```swift
/// let opt = try Adam(learningRate: 1e-3)
/// try opt.step(model.parameters)
/// ```
public final class Adam: Optimizer {
  public var learningRate: Float
  public let beta1: Float
  public let beta2: Float
  public let epsilon: Float
  public let weightDecay: Float
  /// Number of steps taken (`t` in the paper).
  public private(set) var steps = 0
  private let state = OptimizerState()

  public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
              weightDecay: Float = 0) throws {
    try checkHyper(learningRate, "learningRate", 0...Float.greatestFiniteMagnitude)
    try checkHyper(beta1, "beta1", 0...0.999_999)
    try checkHyper(beta2, "beta2", 0...0.999_999_9)
    try checkHyper(epsilon, "epsilon", Float.leastNormalMagnitude...1)
    try checkHyper(weightDecay, "weightDecay", 0...Float.greatestFiniteMagnitude)
    self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2
    self.epsilon = epsilon; self.weightDecay = weightDecay
  }

  public func step(_ parameters: [Parameter]) throws {
    steps += 1
    let t = Double(steps)
    let bc1 = Float(1 - pow(Double(beta1), t)), bc2 = Float(1 - pow(Double(beta2), t))
    for p in parameters {
      let be = p.backend, n = p.count
      guard n > 0 else { continue }
      let bufs = try state.buffers(for: p, count: 3)
      let (m, v, tmp) = (bufs[0], bufs[1], bufs[2])
      var g = p.gradient
      if weightDecay > 0 {
        try be.copy(p.gradient, srcOffset: 0, to: tmp, dstOffset: 0, count: n)
        try be.axpy(alpha: weightDecay, p.value, tmp, count: n)
        g = tmp
      }
      try be.unary(.affine(scale: beta1, shift: 0), m, into: m, count: n)
      try be.axpy(alpha: 1 - beta1, g, m, count: n)
      try be.unary(.affine(scale: beta2, shift: 0), v, into: v, count: n)
      try be.unary(.square, g, into: tmp, count: n)
      try be.axpy(alpha: 1 - beta2, tmp, v, count: n)
      // tmp = √v / √bc2 + ε ;  tmp = m / tmp ;  θ −= (α / bc1)·tmp
      try be.unary(.sqrt, v, into: tmp, count: n)
      try be.unary(.affine(scale: 1 / bc2.squareRoot(), shift: epsilon), tmp, into: tmp, count: n)
      try be.binary(.div, m, tmp, into: tmp, count: n)
      try be.axpy(alpha: -learningRate / bc1, tmp, p.value, count: n)
    }
  }
}
