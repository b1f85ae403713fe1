import GauntletCore

/// Stochastic gradient descent with momentum and L2 weight decay, in PyTorch's form:
/// `g ← ∇ + λ·θ`, `v ← μ·v + g`, `θ ← θ − η·v` (Nesterov: `θ ← θ − η·(g + μ·v)`; Sutskever et
/// al., "On the importance of initialization and momentum in deep learning", ICML 2013).
///
/// ```swift
/// let opt = try SGD(learningRate: 0.1, momentum: 0.9)
/// try opt.step(model.parameters)
/// ```
public final class SGD: Optimizer {
  public var learningRate: Float
  public let momentum: Float
  public let weightDecay: Float
  public let nesterov: Bool
  private let state = OptimizerState()

  public init(learningRate: Float = 0.01, momentum: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) throws {
    try checkHyper(learningRate, "learningRate", 0...Float.greatestFiniteMagnitude)
    try checkHyper(momentum, "momentum", 0...1)
    try checkHyper(weightDecay, "weightDecay", 0...Float.greatestFiniteMagnitude)
    self.learningRate = learningRate; self.momentum = momentum
    self.weightDecay = weightDecay; self.nesterov = nesterov
  }

  public func step(_ parameters: [Parameter]) throws {
    for p in parameters {
      let be = p.backend, n = p.count
      guard n > 0 else { continue }
      var g = p.gradient
      if weightDecay > 0 || momentum > 0 {
        let bufs = try state.buffers(for: p, count: 2)
        let (v, tmp) = (bufs[0], bufs[1])
        if weightDecay > 0 {
          try be.copy(p.gradient, srcOffset: 0, to: tmp, dstOffset: 0, count: n)
          try be.axpy(alpha: weightDecay, p.value, tmp, count: n)
          g = tmp
        }
        if momentum > 0 {
          try be.unary(.affine(scale: momentum, shift: 0), v, into: v, count: n)
          try be.axpy(alpha: 1, g, v, count: n)
          if nesterov {
            try be.axpy(alpha: -learningRate * momentum, v, p.value, count: n)
          } else {
            g = v
          }
        }
      }
      try be.axpy(alpha: -learningRate, g, p.value, count: n)
    }
  }
}
