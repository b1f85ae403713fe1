import GauntletCore
import GauntletModels

/// A minimal white-box L∞ PGD (Madry et al., "Towards Deep Learning Models Resistant to
/// Adversarial Attacks", ICLR 2018), private to extraction: it crafts examples on the *stolen*
/// model to measure how well they transfer to the victim. Untargeted cross-entropy ascent, step
/// `2.5·ε/steps`, projection onto the ε-ball and the input box, no random start (deterministic).
enum ExtractionPGD {
  static func linf(model: Sequential, inputs: [Float], labels: [Int32], epsilon: Float, steps: Int,
                   box: ClosedRange<Float>) throws -> [Float] {
    let d = model.inputShape.reduce(1, *), k = model.classCount
    let n = labels.count
    guard n > 0 else { return [] }
    let step = 2.5 * epsilon / Float(max(steps, 1))
    var x = inputs
    for _ in 0..<steps {
      let xt = try Tensor(x, shape: [n] + model.inputShape, on: model.backend)
      let p = SubstituteTraining.softmax(try model.logits(xt).toArray(), classCount: k)
      var g = p
      for r in 0..<n { g[r * k + Int(labels[r])] -= 1 }   // ∂CE/∂z
      let grad = try model.inputGradient(xt, gradLogits: try Tensor(g, shape: [n, k], on: model.backend)).toArray()
      for i in 0..<(n * d) {
        let v = x[i] + step * sgn(grad[i])
        x[i] = min(max(min(max(v, inputs[i] - epsilon), inputs[i] + epsilon), box.lowerBound), box.upperBound)
      }
    }
    return x
  }
}
