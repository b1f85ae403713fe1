import Foundation
import Testing
import Gauntlet

/// Whether the OpenCL comparison runs: an OpenCL platform is present, or CI=true (where a
/// missing platform must fail rather than skip).
let openCLComparisonEnabled: Bool = {
  if ProcessInfo.processInfo.environment["CI"] == "true" { return true }
  return (try? OpenCLBackend.shared()) != nil
}()

/// The same model on the CPU and OpenCL backends: identical initialization (Philox), the same
/// predicted class on every digits test sample, probabilities within 1e-4.
@Suite("CPU and OpenCL models agree", .enabled(if: openCLComparisonEnabled, "no OpenCL platform (set CI=true to require one)"))
struct BackendAgreementTests {
  func compare(_ cpuModel: Sequential, _ clModel: Sequential) throws {
    let testSet = try Datasets.digitsTrainTest().test
    let x = testSet.features
    let a = try cpuModel.probabilities(Tensor(x, shape: [testSet.count] + testSet.sampleShape, on: cpuModel.backend))
    let b = try clModel.probabilities(Tensor(x, shape: [testSet.count] + testSet.sampleShape, on: clModel.backend))
    let pa = try a.toArray(), pb = try b.toArray()
    let worst = zip(pa, pb).map { abs($0 - $1) }.max() ?? .infinity
    #expect(worst <= 1e-4, "max |Δp| = \(worst)")
    let ya = try cpuModel.predictions(Tensor(x, shape: [testSet.count] + testSet.sampleShape, on: cpuModel.backend))
    let yb = try clModel.predictions(Tensor(x, shape: [testSet.count] + testSet.sampleShape, on: clModel.backend))
    #expect(ya == yb)
  }

  @Test(arguments: ["mlp:64-128-64-10", "cnn:digits"])
  func trainedModelAgrees(_ spec: String) throws {
    let cl = try OpenCLBackend.shared()
    let cpu = CPUBackend()
    let model = try ModelSpec(parsing: spec).build(on: cpu, seed: 5)
    let (trainSet, _) = try Datasets.digitsTrainTest()
    try train(model: model, on: cpu, dataset: trainSet, epochs: 2, batchSize: 32, seed: 5,
              optimizer: try Adam(learningRate: 3e-3), quiet: true)
    let moved = try Sequential.load(model.gmodel(), on: cl)
    try compare(model, moved)
  }

  @Test func sameSeedSameInitialWeights() throws {
    let cl = try OpenCLBackend.shared()
    let a = try ModelSpec.digitsCNN.build(on: CPUBackend(), seed: 9)
    let b = try ModelSpec.digitsCNN.build(on: cl, seed: 9)
    for (p, q) in zip(a.parameters, b.parameters) {
      #expect(try p.values().map(\.bitPattern) == q.values().map(\.bitPattern), "\(p.name)")
    }
  }

  @Test func trainingOnOpenCLMatchesCPU() throws {
    // Two epochs of the same seeded run on each backend end close and predict alike.
    let cl = try OpenCLBackend.shared()
    let (trainSet, _) = try Datasets.digitsTrainTest()
    var models: [Sequential] = []
    for be in [CPUBackend() as Backend, cl] {
      let m = try ModelSpec(parsing: "mlp:64-32-10").build(on: be, seed: 2)
      try train(model: m, on: be, dataset: trainSet, epochs: 2, batchSize: 32, seed: 2,
                optimizer: try Adam(learningRate: 3e-3), quiet: true)
      models.append(m)
    }
    for (p, q) in zip(models[0].parameters, models[1].parameters) {
      let d = zip(try p.values(), try q.values()).map { abs($0 - $1) }.max() ?? 0
      #expect(d <= 1e-3, "\(p.name): max |Δ| = \(d)")
    }
  }
}

extension BackendAgreementTests {
  @Test func gradientsAgree() throws {
    // Every layer kind; the same weights on both backends; input and parameter gradients of a
    // random projection of the logits within 1e-4 (relative to the largest entry).
    let spec = try ModelSpec(parsing: """
      {"input": [2, 8, 8], "layers": [
        {"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1}, {"type": "leakyrelu", "slope": 0.1},
        {"type": "maxpool", "size": 2}, {"type": "conv2d", "filters": 3, "kernel": 2, "stride": 2}, {"type": "tanh"},
        {"type": "avgpool", "size": 2}, {"type": "flatten"}, {"type": "dense", "units": 6}, {"type": "sigmoid"},
        {"type": "dense", "units": 5}, {"type": "relu"}, {"type": "dense", "units": 4}]}
      """)
    let x = values(5 * 128, seed: 3), g = values(5 * 4, seed: 4)
    var results: [[[Float]]] = []
    for be in [CPUBackend() as Backend, try OpenCLBackend.shared()] {
      let m = try spec.build(on: be, seed: 6)
      let dx = try m.inputGradient(Tensor(x, shape: [5, 2, 8, 8], on: be), gradLogits: Tensor(g, shape: [5, 4], on: be))
      _ = try m.forward(Tensor(x, shape: [5, 2, 8, 8], on: be), mode: ForwardMode(training: false, recordForBackward: true))
      _ = try m.backward(gradLogits: Tensor(g, shape: [5, 4], on: be))
      results.append([try dx.toArray()] + (try m.parameters.map { try be.download($0.gradient) }))
    }
    for (a, b) in zip(results[0], results[1]) {
      let scale = max(a.map { abs($0) }.max() ?? 0, 1e-3)
      let d = zip(a, b).map { abs($0 - $1) }.max() ?? 0
      #expect(d <= 1e-4 * scale + 1e-6, "max |Δ| = \(d) (scale \(scale))")
    }
  }
}
