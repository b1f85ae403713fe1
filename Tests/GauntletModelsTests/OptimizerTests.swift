import Foundation
import Testing
import Gauntlet

@Suite("Optimizers")
struct OptimizerTests {
  let be = testBackend()

  /// A model with gradients set by one backward pass of cross-entropy on a fixed batch.
  func modelWithGradients(seed: UInt64 = 1) throws -> (Sequential, TrainingSet) {
    let model = try ModelSpec(parsing: "mlp:4-6-3").build(on: be, seed: seed)
    let data = try blobs(count: 60, seed: 5)
    try lossAndGradients(model, data)
    return (model, data)
  }

  @discardableResult
  func lossAndGradients(_ model: Sequential, _ data: TrainingSet) throws -> Float {
    let z = try model.forward(data.inputs, mode: ForwardMode(training: false, recordForBackward: true))
    let r = try Loss.crossEntropy.evaluate(logits: z, targets: data.targets)
    _ = try model.backward(gradLogits: r.gradient)
    return try r.value()
  }

  /// Three Gaussian blobs in 4-D.
  func blobs(count: Int, seed: UInt64) throws -> TrainingSet {
    let noise = Philox.fill(.normal(mean: 0, std: 0.5), key: PhiloxKey(seed: seed), counter: 0, count: count * 4)
    let centers: [[Float]] = [[2, 0, 0, 1], [0, 2, 0, -1], [0, 0, 2, 0]]
    var x: [Float] = [], y: [Int32] = []
    for i in 0..<count {
      let c = i % 3
      x += (0..<4).map { centers[c][$0] + noise[i * 4 + $0] }
      y.append(Int32(c))
    }
    return try TrainingSet(inputs: x, sampleShape: [4], labels: y, classCount: 3, on: be)
  }

  @Test func sgdStepIsThetaMinusLrGrad() throws {
    let (model, _) = try modelWithGradients()
    let before = try model.parameters.map { try $0.values() }
    let grads = try model.parameters.map { try be.download($0.gradient) }
    try SGD(learningRate: 0.1).step(model.parameters)
    for (i, p) in model.parameters.enumerated() {
      let after = try p.values()
      for j in after.indices { #expect(abs(after[j] - (before[i][j] - 0.1 * grads[i][j])) <= 1e-6) }
    }
  }

  @Test func sgdMomentumAndWeightDecayTwoSteps() throws {
    let (model, _) = try modelWithGradients()
    let p = model.parameters[0]
    let theta0 = try p.values(), g = try be.download(p.gradient)
    let opt = try SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01)
    try opt.step([p])
    try opt.step([p])   // same gradient buffer both times
    // v1 = g + λθ0; θ1 = θ0 − η v1; v2 = μ v1 + g + λθ1; θ2 = θ1 − η v2.
    let theta2 = try p.values()
    for j in theta0.indices {
      let v1 = Double(g[j]) + 0.01 * Double(theta0[j])
      let t1 = Double(theta0[j]) - 0.1 * v1
      let v2 = 0.9 * v1 + Double(g[j]) + 0.01 * t1
      #expect(abs(Double(theta2[j]) - (t1 - 0.1 * v2)) <= 1e-5)
    }
  }

  @Test func adamFirstStepIsLrTimesSignOfGradient() throws {
    let (model, _) = try modelWithGradients()
    let p = model.parameters[0]
    let theta0 = try p.values(), g = try be.download(p.gradient)
    let opt = try Adam(learningRate: 0.01)
    try opt.step([p])
    #expect(opt.steps == 1)
    let theta1 = try p.values()
    for j in theta0.indices where abs(g[j]) > 1e-4 {
      // m̂ = g, v̂ = g² after one step: Δθ = −α g / (|g| + ε).
      let expected = Double(theta0[j]) - 0.01 * Double(g[j]) / (abs(Double(g[j])) + 1e-8)
      #expect(abs(Double(theta1[j]) - expected) <= 2e-6)
    }
  }

  @Test(arguments: ["sgd", "momentum", "nesterov", "adam", "adam-wd"])
  func stepsDecreaseLossOnToyProblem(_ kind: String) throws {
    let (model, data) = try modelWithGradients(seed: 3)
    let opt: Optimizer
    switch kind {
    case "sgd": opt = try SGD(learningRate: 0.2)
    case "momentum": opt = try SGD(learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4)
    case "nesterov": opt = try SGD(learningRate: 0.05, momentum: 0.9, nesterov: true)
    case "adam": opt = try Adam(learningRate: 0.02)
    default: opt = try Adam(learningRate: 0.02, weightDecay: 1e-3)
    }
    let initial = try lossAndGradients(model, data)
    var last = initial
    for _ in 0..<40 {
      try opt.step(model.parameters)
      last = try lossAndGradients(model, data)
    }
    #expect(last < 0.5 * initial, "\(kind): loss \(initial) → \(last)")
    #expect(try evaluate(model: model, on: data).accuracy >= 0.9)
  }

  @Test func rejectsBadHyperparameters() {
    #expect(throws: GauntletError.self) { try SGD(learningRate: -1) }
    #expect(throws: GauntletError.self) { try SGD(learningRate: 0.1, momentum: 1.5) }
    #expect(throws: GauntletError.self) { try Adam(learningRate: .nan) }
    #expect(throws: GauntletError.self) { try Adam(beta1: 1) }
  }
}
