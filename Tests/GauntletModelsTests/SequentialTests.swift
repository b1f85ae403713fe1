import Testing
import Gauntlet

@Suite("Sequential model")
struct SequentialTests {
  let be = testBackend()

  @Test func digitsCNNShapes() throws {
    let spec = try ModelSpec(parsing: "cnn:digits")
    #expect(try spec.shapes() == [[16, 8, 8], [16, 8, 8], [16, 4, 4], [32, 4, 4], [32, 4, 4], [32, 2, 2],
                                  [128], [128], [128], [10]])
    let model = try spec.build(on: be, seed: 1)
    #expect(model.inputShape == [1, 8, 8])
    #expect(model.classCount == 10)
    #expect(model.parameters.map(\.shape) == [[16, 1, 3, 3], [16], [32, 16, 3, 3], [32], [128, 128], [128], [10, 128], [10]])
    #expect(model.parameters.map(\.name) == ["layers.0.weight", "layers.0.bias", "layers.3.weight", "layers.3.bias",
                                             "layers.7.weight", "layers.7.bias", "layers.9.weight", "layers.9.bias"])
    #expect(model.parameterCount == 16 * 9 + 16 + 32 * 144 + 32 + 128 * 128 + 128 + 1280 + 10)
    let x = try Tensor(values(5 * 64, seed: 2, lo: 0, hi: 1), shape: [5, 1, 8, 8], on: be)
    #expect(try model.logits(x).shape == [5, 10])
    // The flattened form is accepted too, and gives the same logits.
    #expect(try model.logits(x.reshaped([5, 64])).toArray() == model.logits(x).toArray())
    let p = try model.probabilities(x).toArray()
    for r in 0..<5 { #expect(abs(p[(r * 10)..<(r * 10 + 10)].reduce(0, +) - 1) <= 1e-5) }
    #expect(try model.predictions(x).count == 5)
  }

  @Test func mlpSpecAndInputShapes() throws {
    let model = try ModelSpec(parsing: "mlp:64-32-10").build(on: be, seed: 1)
    #expect(model.spec.layers == [.dense(units: 32), .relu, .dense(units: 10)])
    let x = values(3 * 64, seed: 1)
    let a = try model.logits(Tensor(x, shape: [3, 64], on: be)).toArray()
    let b = try model.logits(Tensor(x, shape: [3, 1, 8, 8], on: be)).toArray()
    #expect(a == b)
    #expect(throws: GauntletError.self) { try model.logits(Tensor(values(3 * 63, seed: 1), shape: [3, 63], on: be)) }
    #expect(throws: GauntletError.self) { try model.logits(Tensor(x, shape: [192], on: be)) }
    let cnn = try ModelSpec(parsing: "cnn:digits").build(on: be, seed: 1)
    #expect(throws: GauntletError.self) { try cnn.logits(Tensor(x, shape: [3, 8, 8], on: be)) }
    #expect(throws: GauntletError.self) { try cnn.logits(Tensor(x, shape: [3, 2, 4, 8], on: be)) }
  }

  @Test func sameSeedSameModelDifferentSeedDifferent() throws {
    let spec = try ModelSpec(parsing: "mlp:8-6-3")
    let a = try spec.build(on: be, seed: 7), b = try spec.build(on: be, seed: 7), c = try spec.build(on: be, seed: 8)
    #expect(try a.parameters[0].values() == b.parameters[0].values())
    #expect(try a.parameters[0].values() != c.parameters[0].values())
    // He init for a layer followed by ReLU: std sqrt(2/8) = 0.5; biases zero.
    let w = try a.parameters[0].values()
    let std = (w.map { $0 * $0 }.reduce(0, +) / Float(w.count)).squareRoot()
    #expect(std > 0.25 && std < 0.8)
    #expect(try a.parameters[1].values() == [Float](repeating: 0, count: 6))
    // Glorot uniform for the last layer: within ±sqrt(6/9).
    #expect(try a.parameters[2].values().allSatisfy { abs($0) <= (6.0 / 9.0 as Float).squareRoot() })
  }

  @Test func backwardNeedsRecordedForward() throws {
    let model = try ModelSpec(parsing: "mlp:4-3-2").build(on: be, seed: 1)
    let x = try Tensor(values(8, seed: 1), shape: [2, 4], on: be)
    let g = try Tensor(values(4, seed: 2), shape: [2, 2], on: be)
    #expect(throws: GauntletError.self) { try model.backward(gradLogits: g) }
    model.mode = .train
    _ = try model.forward(x)
    #expect(try model.backward(gradLogits: g).shape == [2, 4])
    // Wrong gradient shape.
    #expect(throws: GauntletError.self) { try model.backward(gradLogits: Tensor(values(6, seed: 2), shape: [3, 2], on: be)) }
    // Switching to eval frees the recorded activations.
    model.mode = .eval
    #expect(throws: GauntletError.self) { try model.backward(gradLogits: g) }
    // An eval-mode forward does not record either.
    _ = try model.forward(x)
    #expect(throws: GauntletError.self) { try model.backward(gradLogits: g) }
  }

  @Test func inputGradientLeavesParametersAlone() throws {
    let model = try ModelSpec(parsing: "mlp:6-5-3").build(on: be, seed: 2)
    let x = try Tensor(values(12, seed: 3), shape: [2, 6], on: be)
    let g = try Tensor(values(6, seed: 4), shape: [2, 3], on: be)
    model.mode = .train
    _ = try model.forward(x)
    _ = try model.backward(gradLogits: g)
    let before = try model.parameters.map { try be.download($0.gradient) }
    let weights = try model.parameters.map { try $0.values() }
    let dx = try model.inputGradient(x, gradLogits: g)
    #expect(dx.shape == [2, 6])
    #expect(try model.parameters.map { try be.download($0.gradient) } == before)
    #expect(try model.parameters.map { try $0.values() } == weights)
    // Equal to the input gradient of a recorded inference forward + backward.
    _ = try model.forward(x, mode: ForwardMode(training: false, recordForBackward: true))
    #expect(try model.backward(gradLogits: g, parameterGradients: false).toArray() == dx.toArray())
  }

  @Test func dropoutOnlyInTrainMode() throws {
    let model = try ModelSpec(inputShape: [20], layers: [.dense(units: 20), .dropout(rate: 0.5), .dense(units: 3)])
      .build(on: be, seed: 3)
    let x = try Tensor(values(40, seed: 1), shape: [2, 20], on: be)
    let eval1 = try model.logits(x).toArray()
    model.mode = .train
    let t1 = try model.forward(x).toArray(), t2 = try model.forward(x).toArray()
    #expect(t1 != eval1)
    #expect(t1 != t2)   // a fresh mask each pass
    model.mode = .eval
    #expect(try model.forward(x).toArray() == eval1)
  }
}

@Suite("Model specs")
struct ModelSpecTests {
  @Test func parseMLP() throws {
    let s = try ModelSpec(parsing: "mlp:64-128-64-10")
    #expect(s.inputShape == [64])
    #expect(s.layers == [.dense(units: 128), .relu, .dense(units: 64), .relu, .dense(units: 10)])
    #expect(try s.classCount() == 10)
  }

  @Test func jsonRoundTrip() throws {
    let json = """
    {"input": [3, 9, 9], "layers": [
      {"type": "conv2d", "filters": 4, "kernel": 3, "stride": 2},
      {"type": "leakyrelu", "slope": 0.2}, {"type": "avgpool", "size": 2},
      {"type": "conv2d", "filters": 2, "kernel": 1, "padding": 1}, {"type": "tanh"},
      {"type": "maxpool", "size": 2, "stride": 1}, {"type": "flatten"}, {"type": "dropout", "rate": 0.1},
      {"type": "dense", "units": 7}, {"type": "sigmoid"}, {"type": "dense", "units": 3}]}
    """
    let s = try ModelSpec(parsing: json)
    #expect(s.layers[0] == .conv2d(filters: 4, kernel: 3, stride: 2, padding: 0))
    #expect(s.layers[2] == .avgPool(size: 2, stride: 2))
    #expect(try s.shapes()[0] == [4, 4, 4])
    #expect(try s.shapes()[3] == [2, 4, 4])
    #expect(try ModelSpec(parsing: s.json()) == s)
    #expect(try ModelSpec(parsing: ModelSpec.digitsCNN.json()) == ModelSpec.digitsCNN)
  }

  @Test(arguments: ["mlp:64", "mlp:64-0-10", "mlp:a-b", "cnn:cifar", "resnet", "{\"input\": [4]}",
                    "{\"input\": [4], \"layers\": [{\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3}]}",
                    "{\"input\": [1, 4, 4], \"layers\": [{\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3}]}",
                    "{\"input\": [4], \"layers\": [{\"type\": \"bogus\"}]}",
                    "{\"input\": [4], \"layers\": [{\"type\": \"dropout\", \"rate\": 1.5}]}",
                    "{\"input\": [1, 2, 2], \"layers\": [{\"type\": \"maxpool\", \"size\": 3}, {\"type\": \"flatten\"}]}",
                    "{not json"])
  func rejectsBadSpecs(_ text: String) {
    #expect(throws: GauntletError.self) { try ModelSpec(parsing: text) }
  }
}

@Suite("Conv2D chunked inference")
struct ConvChunkTests {
  @Test func chunkedInferenceMatchesSinglePass() throws {
    let be = testBackend()
    let model = try ModelSpec.digitsCNN.build(on: be, seed: 4)
    let x = try Tensor(values(7 * 64, seed: 8, lo: 0, hi: 1), shape: [7, 1, 8, 8], on: be)
    let whole = try model.logits(x).toArray()
    for layer in model.layers { (layer as? Conv2D)?.columnBudget = 3 * 144 * 16 }   // 3 samples per chunk
    let chunked = try model.logits(x).toArray()
    #expect(chunked.count == whole.count)
    for i in whole.indices { #expect(abs(chunked[i] - whole[i]) <= 1e-5) }
    // A recorded pass (training) does not chunk and agrees too.
    let recorded = try model.forward(x, mode: ForwardMode(training: false, recordForBackward: true)).toArray()
    for i in whole.indices { #expect(abs(recorded[i] - whole[i]) <= 1e-5) }
  }
}
