import GauntletCore
import GauntletData

/// Works out the `ModelSpec` of a PyTorch export and which torch module index each layer has.
enum TorchArchitecture {
  static func resolve(_ file: SafeTensors, names: TorchNames, path: String,
                      explicit: ModelSpec?) throws -> (ModelSpec, [Int]) {
    func bad(_ detail: String) -> GauntletError { .malformedFile(path: path, detail: detail) }
    if let explicit {
      return (explicit, Array(explicit.layers.indices))
    }
    let meta = file.metadata
    if let json = meta[TorchFormat.specKey] {
      do {
        let s = try ModelSpec(parsing: json)
        return (s, Array(s.layers.indices))
      } catch { throw bad("invalid '\(TorchFormat.specKey)': \(error)") }
    }
    let inputShape = meta[TorchFormat.inputShapeKey].map {
      $0.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }
    if let text = meta[TorchFormat.layersKey] {
      var layers: [LayerSpec] = [], index: [Int] = []
      var firstIn: Int?
      for entry in text.split(separator: ",") {
        let kv = entry.split(separator: ":")
        guard kv.count == 2, let i = Int(kv[0].trimmingCharacters(in: .whitespaces)) else {
          throw bad("'\(TorchFormat.layersKey)' entry '\(entry)' is not '<index>:<kind>'")
        }
        switch kv[1].trimmingCharacters(in: .whitespaces).lowercased() {
        case "linear":
          guard let w = names.weights[i], w.count == 2 else { throw bad("layer \(i) is linear but '\(i).weight' is missing or not 2-D") }
          firstIn = firstIn ?? w[1]
          layers.append(.dense(units: w[0]))
        case "relu": layers.append(.relu)
        case "sigmoid": layers.append(.sigmoid)
        case "tanh": layers.append(.tanh)
        case "flatten": layers.append(.flatten)
        case "identity", "dropout": continue
        case let other:
          throw bad("module kind '\(other)' at index \(i) needs a '\(TorchFormat.specKey)' (JSON) entry or an explicit spec")
        }
        index.append(i)
      }
      guard let firstIn else { throw bad("'\(TorchFormat.layersKey)' lists no linear layer") }
      let shape = inputShape.flatMap { $0.reduce(1, *) == firstIn && !$0.isEmpty ? $0 : nil } ?? [firstIn]
      return (ModelSpec(inputShape: shape, layers: layers), index)
    }
    let linear = names.weights.keys.sorted()
    guard linear.allSatisfy({ names.weights[$0]?.count == 2 }) else {
      throw bad("convolutional weights need a '\(TorchFormat.specKey)' (JSON) entry or an explicit spec to import")
    }
    if let arch = meta[TorchFormat.archKey] {
      let base: ModelSpec
      do { base = try ModelSpec(parsing: arch) } catch { throw bad("invalid '\(TorchFormat.archKey)' '\(arch)': \(error)") }
      let act: LayerSpec?
      switch (meta[TorchFormat.activationKey] ?? "relu").lowercased() {
      case "relu": act = .relu
      case "sigmoid": act = .sigmoid
      case "tanh": act = .tanh
      case "none": act = nil
      case let other: throw bad("unsupported '\(TorchFormat.activationKey)' '\(other)' (relu, sigmoid, tanh, none)")
      }
      var layers: [LayerSpec] = []
      for l in base.layers {
        if case .relu = l { if let act { layers.append(act) } } else { layers.append(l) }
      }
      let denseCount = layers.filter(\.hasParameters).count
      guard denseCount == linear.count else {
        throw bad("'\(TorchFormat.archKey)' '\(arch)' has \(denseCount) linear layers but the file holds \(linear.count) weights")
      }
      // Dense layers take the torch indices of the weights in order; activations follow theirs.
      var index: [Int] = [], d = 0
      for l in layers {
        if l.hasParameters { index.append(linear[d]); d += 1 } else { index.append(linear[d - 1] + 1) }
      }
      let first = base.inputShape.reduce(1, *)
      let shape = inputShape.flatMap { $0.reduce(1, *) == first && !$0.isEmpty ? $0 : nil } ?? base.inputShape
      return (ModelSpec(inputShape: shape, layers: layers), index)
    }
    // No metadata: a Linear chain; one module between two Linear layers is taken to be ReLU.
    var layers: [LayerSpec] = [], index: [Int] = []
    for (n, i) in linear.enumerated() {
      if n > 0 {
        switch i - linear[n - 1] {
        case 1: break
        case 2: layers.append(.relu); index.append(i - 1)
        default:
          throw bad("cannot infer the modules between '\(linear[n - 1]).weight' and '\(i).weight'; add '\(TorchFormat.layersKey)' metadata or pass a spec")
        }
      }
      guard let w = names.weights[i] else { throw bad("'\(i).weight' is missing") }
      layers.append(.dense(units: w[0]))
      index.append(i)
    }
    guard let firstIn = linear.first.flatMap({ names.weights[$0]?[1] }) else { throw bad("no linear weight") }
    let shape = inputShape.flatMap { $0.reduce(1, *) == firstIn && !$0.isEmpty ? $0 : nil } ?? [firstIn]
    return (ModelSpec(inputShape: shape, layers: layers), index)
  }
}
