import Foundation
import Testing
import Gauntlet

@Suite("Model files (.gmodel)")
struct GModelTests {
  let be = testBackend()

  @Test(arguments: ["mlp:64-32-10", "cnn:digits"])
  func saveLoadRoundTripIsBitExact(_ specText: String) throws {
    let dir = try tempDir(); defer { removeTemp(dir) }
    let model = try ModelSpec(parsing: specText).build(on: be, seed: 12)
    // Move the weights off their initial values so the check is not about initialization.
    _ = try Trainer(optimizer: try Adam(learningRate: 0.01), options: TrainingOptions(epochs: 1, batchSize: 16, seed: 1, quiet: true))
      .fit(model, on: try TrainingSet(try Datasets.digits().subset(Array(0..<64)), on: be))
    let path = dir + "/m.gmodel"
    try model.save(path: path)
    let loaded = try Sequential.load(path: path, on: be)
    #expect(loaded.spec == model.spec)
    #expect(loaded.parameters.map(\.name) == model.parameters.map(\.name))
    for (a, b) in zip(model.parameters, loaded.parameters) {
      #expect(try a.values().map(\.bitPattern) == b.values().map(\.bitPattern))
    }
    let x = try Tensor(values(5 * 64, seed: 2, lo: 0, hi: 1), shape: [5, 1, 8, 8], on: be)
    #expect(try model.logits(x).toArray().map(\.bitPattern) == loaded.logits(x).toArray().map(\.bitPattern))
    let file = try SafeTensors.read(path: path)
    #expect(file.metadata["gauntlet.format"] == "gmodel")
    #expect(file.metadata["gauntlet.version"] == "1")
    #expect(try ModelSpec(parsing: file.metadata["gauntlet.spec"] ?? "") == model.spec)
    #expect(Set(file.tensors.keys) == Set(model.parameters.map(\.name)))
  }

  func file() throws -> SafeTensors { try ModelSpec(parsing: "mlp:8-4-3").build(on: be, seed: 1).gmodel() }

  @Test func missingTensor() throws {
    var f = try file()
    f.tensors["layers.2.weight"] = nil
    #expect(throwsError({ _ = try Sequential.load(f, on: be) }) {
      if case let .malformedFile(_, d) = $0 { return d.contains("missing tensor 'layers.2.weight'") } else { return false } })
  }

  @Test func shapeMismatchVsSpec() throws {
    var f = try file()
    f.tensors["layers.0.weight"] = SafeTensor(shape: [8, 4], values: values(32, seed: 1))
    #expect(throwsError({ _ = try Sequential.load(f, on: be) }) {
      if case .shapeMismatch = $0 { return true } else { return false } })
  }

  @Test func nanWeightsInMemoryAndOnDisk() throws {
    var f = try file()
    var w = try #require(f.tensors["layers.0.weight"])
    w.values[5] = .nan
    f.tensors["layers.0.weight"] = w
    #expect(throwsError({ _ = try Sequential.load(f, on: be) }) {
      if case let .nonFinite(_, i) = $0 { return i == 5 } else { return false } })
    // On disk: write a sentinel, patch its bytes to a NaN, read back.
    let dir = try tempDir(); defer { removeTemp(dir) }
    var g = try file()
    var w2 = try #require(g.tensors["layers.0.weight"])
    w2.values[3] = 1234.5
    g.tensors["layers.0.weight"] = w2
    var bytes = try g.serialized()
    let sentinel = withUnsafeBytes(of: Float(1234.5).bitPattern.littleEndian) { Array($0) }
    let nan = withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { Array($0) }
    let at = try #require((0...(bytes.count - 4)).first { Array(bytes[$0..<($0 + 4)]) == sentinel })
    bytes.replaceSubrange(at..<(at + 4), with: nan)
    let path = dir + "/nan.gmodel"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    // The safetensors reader rejects it first, naming the tensor and element.
    #expect(throwsError({ _ = try Sequential.load(path: path, on: be) }) {
      switch $0 {
      case .nonFinite: return true
      case let .malformedFile(_, d): return d.contains("non-finite") && d.contains("layers.0.weight")
      default: return false
      }
    })
  }

  @Test func unknownVersionAndWrongFormat() throws {
    var f = try file()
    f.metadata["gauntlet.version"] = "2"
    #expect(throwsError({ _ = try Sequential.load(f, on: be) }) {
      if case let .malformedFile(_, d) = $0 { return d.contains("version '2'") } else { return false } })
    f.metadata["gauntlet.version"] = nil
    #expect(throwsError({ _ = try Sequential.load(f, on: be) }) { if case .malformedFile = $0 { return true } else { return false } })
    var g = try file()
    g.metadata["gauntlet.format"] = "1"
    #expect(throwsError({ _ = try Sequential.load(g, on: be) }) {
      if case let .malformedFile(_, d) = $0 { return d.contains("importTorch") } else { return false } })
    var h = try file()
    h.metadata["gauntlet.spec"] = "{\"input\": [8], \"layers\": []}"
    #expect(throwsError({ _ = try Sequential.load(h, on: be) }) { if case .malformedFile = $0 { return true } else { return false } })
  }

  @Test func unexpectedTensor() throws {
    var f = try file()
    f.tensors["layers.1.weight"] = SafeTensor(shape: [1], values: [0])
    #expect(throwsError({ _ = try Sequential.load(f, on: be) }) {
      if case let .malformedFile(_, d) = $0 { return d.contains("unexpected tensor 'layers.1.weight'") } else { return false } })
  }

  @Test func truncatedAndMissingFiles() throws {
    let dir = try tempDir(); defer { removeTemp(dir) }
    let bytes = try file().serialized()
    for cut in [3, 20, bytes.count - 7] {
      let path = dir + "/cut\(cut).gmodel"
      try Data(bytes[0..<cut]).write(to: URL(fileURLWithPath: path))
      #expect(throwsError({ _ = try Sequential.load(path: path, on: be) }) {
        if case .malformedFile = $0 { return true } else { return false } })
    }
    #expect(throws: GauntletError.self) { try Sequential.load(path: dir + "/absent.gmodel", on: be) }
  }
}

@Suite("PyTorch interchange")
struct TorchInterchangeTests {
  let be = testBackend()

  @Test func reproducesPyTorchLogits() throws {
    let model = try Sequential.importTorch(path: dataFixture("torch_mlp.safetensors"), on: be)
    #expect(model.spec.layers == [.dense(units: 32), .relu, .dense(units: 10)])
    #expect(model.inputShape == [1, 8, 8])
    let x = try NPYReader.read(path: dataFixture("torch_inputs.npy"))
    let expected = try NPYReader.read(path: dataFixture("torch_logits.npy"))
    let z = try model.logits(Tensor(x.values, shape: x.shape, on: be))
    #expect(z.shape == expected.shape)
    let got = try z.toArray()
    let worst = zip(got, expected.values).map { abs($0 - $1) }.max() ?? .infinity
    #expect(worst <= 1e-4, "max |Δlogit| = \(worst)")
  }

  @Test func importWithoutMetadataOrWithArchOnly() throws {
    let file = try SafeTensors.read(path: dataFixture("torch_mlp.safetensors"))
    let reference = try Sequential.importTorch(file, on: be)
    let x = try Tensor(values(3 * 64, seed: 1, lo: 0, hi: 1), shape: [3, 64], on: be)
    let want = try reference.logits(x).toArray()
    var bare = file
    bare.metadata = [:]
    #expect(try Sequential.importTorch(bare, on: be).logits(x).toArray() == want)
    var archOnly = file
    archOnly.metadata = ["gauntlet.arch": "mlp:64-32-10"]
    #expect(try Sequential.importTorch(archOnly, on: be).logits(x).toArray() == want)
    // With a prefix ("net.0.weight"), as from a wrapped module.
    var prefixed = bare
    prefixed.tensors = Dictionary(uniqueKeysWithValues: bare.tensors.map { ("net." + $0.key, $0.value) })
    #expect(try Sequential.importTorch(prefixed, on: be).logits(x).toArray() == want)
  }

  @Test func exportImportRoundTrip() throws {
    let dir = try tempDir(); defer { removeTemp(dir) }
    for text in ["mlp:64-16-8-10", "cnn:digits"] {
      let model = try ModelSpec(parsing: text).build(on: be, seed: 3)
      let path = dir + "/t.safetensors"
      try model.exportTorch(path: path)
      let f = try SafeTensors.read(path: path)
      #expect(f.tensors.keys.allSatisfy { !$0.hasPrefix("layers.") })
      #expect(f.tensors["0.weight"]?.shape == model.parameters[0].shape)
      let back = try Sequential.importTorch(path: path, on: be)
      #expect(back.spec == model.spec)
      for (a, b) in zip(model.parameters, back.parameters) { #expect(try a.values() == b.values()) }
    }
    let mlp = try ModelSpec(parsing: "mlp:64-16-8-10").build(on: be, seed: 3).torchSafeTensors()
    #expect(mlp.metadata["gauntlet.arch"] == "mlp:64-16-8-10")
    #expect(mlp.metadata["gauntlet.layers"] == "0:linear,1:relu,2:linear,3:relu,4:linear")
    #expect(Set(mlp.tensors.keys) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"])
  }

  @Test func badTorchFiles() throws {
    let good = try SafeTensors.read(path: dataFixture("torch_mlp.safetensors"))
    var odd = good
    odd.tensors["0.running_mean"] = SafeTensor(shape: [32], values: [Float](repeating: 0, count: 32))
    #expect(throws: GauntletError.self) { try Sequential.importTorch(odd, on: be) }
    var gap = good
    gap.metadata = [:]
    gap.tensors["5.weight"] = gap.tensors["2.weight"]; gap.tensors["2.weight"] = nil
    #expect(throws: GauntletError.self) { try Sequential.importTorch(gap, on: be) }
    var wrongArch = good
    wrongArch.metadata = ["gauntlet.arch": "mlp:64-16-10"]
    #expect(throws: GauntletError.self) { try Sequential.importTorch(wrongArch, on: be) }
    var missingWeight = good
    missingWeight.tensors["2.weight"] = nil
    #expect(throws: GauntletError.self) { try Sequential.importTorch(missingWeight, on: be) }
  }
}
