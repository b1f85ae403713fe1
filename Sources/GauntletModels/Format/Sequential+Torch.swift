import GauntletCore
import GauntletData

/// Metadata keys shared with `scripts/export_pytorch.py`.
public enum TorchFormat {
  public static let archKey = "gauntlet.arch"
  public static let layersKey = "gauntlet.layers"
  public static let activationKey = "gauntlet.activation"
  public static let inputShapeKey = "gauntlet.input_shape"
  public static let specKey = "gauntlet.spec"
}

extension Sequential {
  /// The weights under PyTorch `nn.Sequential` state-dict names: `<i>.weight`, `<i>.bias`, where
  /// `i` is the layer's index in `spec.layers` (each layer maps to one torch module: Dense →
  /// `nn.Linear` with weight `[out, in]`, Conv2D → `nn.Conv2d`, pools, `nn.Flatten`, activations,
  /// `nn.Dropout`). Metadata as written by `scripts/export_pytorch.py` plus `gauntlet.spec`.
  public func torchSafeTensors() throws -> SafeTensors {
    var tensors: [String: SafeTensor] = [:]
    for (i, layer) in layers.enumerated() {
      for (j, p) in layer.parameters.enumerated() {
        tensors["\(i).\(j == 0 ? "weight" : "bias")"] = SafeTensor(shape: p.shape, values: try p.values())
      }
    }
    let kinds = spec.layers.enumerated().map { i, l -> String in
      switch l {
      case .dense: return "\(i):linear"
      case .leakyRelu: return "\(i):leakyrelu"
      default: return "\(i):\(l.typeName)"
      }
    }
    var meta: [String: String] = [
      "gauntlet.format": "1",
      TorchFormat.layersKey: kinds.joined(separator: ","),
      "gauntlet.weight_layout": "out,in",
      TorchFormat.inputShapeKey: inputShape.map(String.init).joined(separator: ","),
      TorchFormat.specKey: try spec.json(),
      "gauntlet.source": "gauntlet",
    ]
    let dense = spec.layers.compactMap { l -> Int? in if case let .dense(u) = l { return u } else { return nil } }
    let acts = Set(spec.layers.filter { !$0.hasParameters }.map(\.typeName))
    if dense.count == spec.layers.filter(\.hasParameters).count, acts.isSubset(of: ["relu", "sigmoid", "tanh"]), acts.count <= 1 {
      meta[TorchFormat.archKey] = "mlp:" + ([inputShape.reduce(1, *)] + dense).map(String.init).joined(separator: "-")
      meta[TorchFormat.activationKey] = acts.first ?? "none"
    }
    return SafeTensors(tensors: tensors, metadata: meta)
  }

  /// Writes `torchSafeTensors()` to `path`. In PyTorch:
  /// `model.load_state_dict(safetensors.torch.load_file(path))` for the matching `nn.Sequential`.
  public func exportTorch(path: String) throws {
    try torchSafeTensors().write(path: path)
  }

  /// Imports a PyTorch `nn.Sequential` exported to safetensors (e.g. by
  /// `scripts/export_pytorch.py`). Tensor names are `[prefix.]<i>.weight|bias` with `nn.Linear`
  /// weights `[out, in]`. The architecture comes from, in order: `spec` (torch index = layer
  /// index); metadata `gauntlet.spec` (same); `gauntlet.layers` (`0:linear,1:relu,…`; identity
  /// and dropout modules are skipped); `gauntlet.arch` (`mlp:64-32-10` with
  /// `gauntlet.activation`); else inferred from the Linear weights, assuming ReLU where one
  /// module separates two Linear layers. A missing bias loads as zeros (`bias=False`).
  public static func importTorch(path: String, on backend: Backend, spec: ModelSpec? = nil) throws -> Sequential {
    try importTorch(SafeTensors.read(path: path), path: path, on: backend, spec: spec)
  }

  /// `importTorch(path:on:spec:)` on parsed contents; `path` names the source in errors.
  public static func importTorch(_ file: SafeTensors, path: String = "<memory>", on backend: Backend,
                                 spec: ModelSpec? = nil) throws -> Sequential {
    let names = try TorchNames(file.tensors, path: path)
    let (resolved, torchIndex) = try TorchArchitecture.resolve(file, names: names, path: path, explicit: spec)
    let model = try resolved.build(on: backend, seed: 0)
    try model.assign(file.tensors, path: path, optionalBias: true) { p, i in
      let suffix = p.name.hasSuffix(".bias") ? "bias" : "weight"
      return "\(names.prefix)\(torchIndex[i]).\(suffix)"
    }
    return model
  }
}

/// Parsed `[prefix.]<index>.weight|bias` tensor names.
struct TorchNames {
  let prefix: String
  /// Shape of `<index>.weight` for every index that has one.
  let weights: [Int: [Int]]

  init(_ tensors: [String: SafeTensor], path: String) throws {
    var prefixes = Set<String>()
    var weights: [Int: [Int]] = [:]
    for (key, t) in tensors {
      let parts = key.split(separator: ".", omittingEmptySubsequences: false)
      guard parts.count >= 2, let index = Int(parts[parts.count - 2]), index >= 0,
            ["weight", "bias"].contains(parts[parts.count - 1]) else {
        throw GauntletError.malformedFile(
          path: path, detail: "tensor '\(key)' is not an nn.Sequential parameter name ('<index>.weight' or '<index>.bias'); only Linear/Conv2d weights and biases are supported")
      }
      prefixes.insert(parts.dropLast(2).map { $0 + "." }.joined())
      if parts.last == "weight" { weights[index] = t.shape }
    }
    guard prefixes.count <= 1 else {
      throw GauntletError.malformedFile(path: path, detail: "tensor names use several prefixes \(prefixes.sorted()); export one nn.Sequential")
    }
    guard !weights.isEmpty else {
      throw GauntletError.malformedFile(path: path, detail: "no '<index>.weight' tensor: nothing to import")
    }
    self.prefix = prefixes.first ?? ""
    self.weights = weights
  }
}
