import Foundation
import GauntletCore
import GauntletModels

/// PGD adversarial training (Madry, Makelov, Schmidt, Tsipras & Vladu, "Towards Deep Learning
/// Models Resistant to Adversarial Attacks", ICLR 2018): the saddle-point problem
/// `min_θ E[max_{‖δ‖ ≤ ε} L(θ, x + δ, y)]`, with the inner maximum approximated by projected
/// gradient descent and the outer minimum by training on its result.
///
/// Inner loop per batch (the paper's PGD): a uniform random start in the ε-ball (`randomStart`),
/// then `steps` times `x ← Π_{B(x₀, ε) ∩ [lo, hi]}(x + α·sign(∇ₓL))` (L∞; with `.l2` the step
/// is `α·∇ₓL/‖∇ₓL‖₂`), each one forward/backward through the model in inference mode and one
/// `Backend.stepProject`. The model then takes one optimizer step on the adversarial batch
/// (cross-entropy, or `TrainingOptions.loss`). Deterministic from `TrainingOptions.seed`.
///
/// Spec: `pgd:eps=0.1,steps=7[,alpha=0.036][,norm=linf|l2][,start=true][,lo=0,hi=1]`
/// (what `gauntlet train --adversarial` takes). `alpha` defaults to `2.5·ε/steps` (Madry et al.).
///
/// ```swift
/// let pgd = try PGDTraining(parsing: "pgd:eps=0.1,steps=7")
/// let history = try pgd.fit(model, on: trainSet, optimizer: try Adam(learningRate: 1e-3),
///                           options: TrainingOptions(epochs: 20, seed: 1), validation: testSet)
/// ```
public struct PGDTraining: Sendable, Hashable {
  public var epsilon: Float
  public var steps: Int
  public var stepSize: Float
  public var norm: Norm
  public var randomStart: Bool
  /// The valid input box.
  public var bounds: ClosedRange<Float>

  public init(epsilon: Float, steps: Int, stepSize: Float? = nil, norm: Norm = .linf, randomStart: Bool = true,
              bounds: ClosedRange<Float> = 0...1) throws {
    guard epsilon.isFinite, epsilon > 0 else {
      throw GauntletError.invalidArgument(name: "pgd.eps", detail: "must be finite and > 0, got \(epsilon)")
    }
    guard steps >= 1 else { throw GauntletError.invalidArgument(name: "pgd.steps", detail: "must be ≥ 1, got \(steps)") }
    let alpha = stepSize ?? 2.5 * epsilon / Float(steps)
    guard alpha.isFinite, alpha > 0 else {
      throw GauntletError.invalidArgument(name: "pgd.alpha", detail: "must be finite and > 0, got \(alpha)")
    }
    guard bounds.lowerBound.isFinite, bounds.upperBound.isFinite, bounds.lowerBound < bounds.upperBound else {
      throw GauntletError.invalidArgument(name: "pgd.lo/hi", detail: "need finite lo < hi, got \(bounds)")
    }
    self.epsilon = epsilon; self.steps = steps; self.stepSize = alpha; self.norm = norm
    self.randomStart = randomStart; self.bounds = bounds
  }

  /// Parses `pgd:eps=0.1,steps=7,...` (see the type's documentation).
  public init(parsing text: String) throws {
    let items = try SpecGrammar.parse(text, what: "adversarial training") { $0 == "pgd" ? "eps" : nil }
    guard items.count == 1, let p = items.first else {
      throw GauntletError.invalidArgument(name: "adversarial", detail: "expected one item like pgd:eps=0.1,steps=7, got '\(text)'")
    }
    guard p.name == "pgd" else {
      throw GauntletError.invalidArgument(name: "adversarial", detail: "unknown method '\(p.name)'; valid: pgd")
    }
    try p.check(allowed: ["eps", "steps", "alpha", "norm", "start", "lo", "hi"])
    let lo = try p.float("lo", default: 0), hi = try p.float("hi", default: 1)
    guard lo < hi else {
      throw GauntletError.invalidArgument(name: "pgd.lo/hi", detail: "need lo < hi, got lo=\(lo), hi=\(hi)")
    }
    try self.init(epsilon: p.float("eps"), steps: p.int("steps", default: 7),
                  stepSize: p.raw("alpha") == nil ? nil : p.float("alpha"), norm: p.choice("norm", default: Norm.linf),
                  randomStart: p.bool("start", default: true), bounds: lo...hi)
  }

  public var spec: String {
    "pgd:eps=\(specNumber(epsilon)),steps=\(steps),alpha=\(specNumber(stepSize)),norm=\(norm.rawValue),start=\(randomStart),lo=\(specNumber(bounds.lowerBound)),hi=\(specNumber(bounds.upperBound))"
  }

  /// The inner maximisation: PGD adversarial examples for `inputs` (`[n] + inputShape`) with
  /// target rows `targets` (`[n, classes]`, one-hot), maximizing `loss`. Parameters are untouched.
  public func perturb(model: Sequential, inputs: Tensor, targets: Tensor, loss: Loss = .crossEntropy,
                      key: PhiloxKey) throws -> Tensor {
    let be = model.backend, n = inputs.rows, d = inputs.cols
    let count = n * d
    let (lo, hi) = (bounds.lowerBound, bounds.upperBound)
    let x = try be.makeBuffer(count: count)
    let dir = try be.makeBuffer(count: count)
    if randomStart {
      try be.random(.uniform(lo: -epsilon, hi: epsilon), key: key, counter: 0, into: dir, count: count)
      try be.stepProject(x: inputs.buffer, direction: dir, origin: inputs.buffer, stepSize: 1, epsilon: epsilon,
                         norm: norm, lo: lo, hi: hi, into: x, rows: n, cols: d)
    } else {
      try be.copy(inputs.buffer, srcOffset: 0, to: x, dstOffset: 0, count: count)
    }
    let xt = try Tensor(buffer: x, shape: inputs.shape, on: be)
    let record = ForwardMode(training: false, recordForBackward: true)
    for _ in 0..<steps {
      let z = try model.forward(xt, mode: record)
      let r = try loss.evaluate(logits: z, targets: targets, reduction: .sum)
      let g = try model.backward(gradLogits: r.gradient, parameterGradients: false)
      switch norm {
      case .linf:
        try be.unary(.sign, g.buffer, into: dir, count: count)
      case .l2:
        let norms = try be.makeBuffer(count: n)
        try be.rows(.l2Norm, g.buffer, into: norms, rows: n, cols: d)
        try be.unary(.clamp(lo: 1e-12, hi: .greatestFiniteMagnitude), norms, into: norms, count: n)
        try be.broadcast(.div, g.buffer, norms, into: dir, rows: n, cols: d, axis: .column)
      }
      try be.stepProject(x: x, direction: dir, origin: inputs.buffer, stepSize: stepSize, epsilon: epsilon,
                         norm: norm, lo: lo, hi: hi, into: x, rows: n, cols: d)
    }
    model.clearCaches()
    return xt
  }

  /// Trains `model` in place on PGD adversarial examples of `data` (one optimizer step per
  /// batch); evaluates clean accuracy on `validation` after each epoch. The model ends in `.eval`.
  @discardableResult
  public func fit(_ model: Sequential, on data: TrainingSet, optimizer: Optimizer, options: TrainingOptions,
                  validation: TrainingSet? = nil) throws -> HardeningHistory {
    let be = model.backend
    try HardenedTraining.check(model, data, options)
    let n = data.count, b = Swift.min(options.batchSize, Swift.max(n, 1))
    let d = data.inputs.cols, k = data.classCount
    let xb = try be.makeBuffer(count: b * d), tb = try be.makeBuffer(count: b * k)
    let params = model.parameters
    var history = HardeningHistory()
    defer { model.mode = .eval }
    for epoch in stride(from: 1, through: options.epochs, by: 1) {
      let started = ContinuousClock.now
      let order = options.shuffle ? Shuffle.permutation(count: n, key: PhiloxKey(seed: options.seed).derived(UInt64(epoch)))
                                  : (0..<n).map { Int32($0) }
      var lossSum = 0.0
      for i in 0..<((n + b - 1) / b) {
        let idx = Array(order[(i * b)..<Swift.min(n, (i + 1) * b)])
        try be.gatherRows(data.inputs.buffer, indices: idx, cols: d, into: xb)
        try be.gatherRows(data.targets.buffer, indices: idx, cols: k, into: tb)
        let x = try Tensor(buffer: xb, shape: [idx.count] + data.sampleShape, on: be)
        let t = try Tensor(buffer: tb, shape: [idx.count, k], on: be)
        model.mode = .eval
        let key = PhiloxKey(seed: options.seed, stream: 0xADF).derived(UInt64(epoch) << 32 | UInt64(i))
        let adv = try perturb(model: model, inputs: x, targets: t, loss: options.loss, key: key)
        model.mode = .train
        let z = try model.forward(adv)
        let r = try options.loss.evaluate(logits: z, targets: t, reduction: .mean)
        _ = try model.backward(gradLogits: r.gradient)
        try optimizer.step(params)
        lossSum += Double(try r.value()) * Double(idx.count)
      }
      model.mode = .eval
      history.epochs.append(try HardenedTraining.record(epoch: epoch, loss: n > 0 ? lossSum / Double(n) : 0,
                                                        model: model, validation: validation, since: started))
    }
    return history
  }
}
