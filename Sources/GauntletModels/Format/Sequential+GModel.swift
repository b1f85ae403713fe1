import GauntletCore
import GauntletData

extension Sequential {
  /// The model as safetensors: tensors `layers.<i>.weight` / `layers.<i>.bias` (Dense `[out, in]`,
  /// Conv2D `[filters, channels, k, k]`), metadata `gauntlet.format = gmodel`,
  /// `gauntlet.version = 1`, `gauntlet.spec` = the spec's JSON.
  public func gmodel() throws -> SafeTensors {
    var tensors: [String: SafeTensor] = [:]
    for p in parameters { tensors[p.name] = SafeTensor(shape: p.shape, values: try p.values()) }
    return SafeTensors(tensors: tensors, metadata: [
      GModelFormat.formatKey: GModelFormat.formatValue,
      GModelFormat.versionKey: GModelFormat.version,
      GModelFormat.specKey: try spec.json(),
    ])
  }

  /// Writes the model to `path` as a `.gmodel` file (atomically).
  ///
  /// ```swift
  /// try model.save(path: "victim.gmodel")
  /// let again = try Sequential.load(path: "victim.gmodel", on: backend)
  /// ```
  public func save(path: String) throws {
    try gmodel().write(path: path)
  }

  /// Reads a `.gmodel` file and builds the model on `backend`. Throws `malformedFile` for a
  /// file that is not a gmodel, an unknown version, a bad spec, a missing or unexpected tensor;
  /// `shapeMismatch` for a tensor whose shape differs from the spec. Truncated or corrupt files,
  /// and NaN/Inf weights, fail in the safetensors reader (`malformedFile`).
  public static func load(path: String, on backend: Backend) throws -> Sequential {
    try load(SafeTensors.read(path: path), path: path, on: backend)
  }

  /// Builds a model from parsed `.gmodel` contents; `path` names the source in errors.
  public static func load(_ file: SafeTensors, path: String = "<memory>", on backend: Backend) throws -> Sequential {
    let meta = file.metadata
    guard meta[GModelFormat.formatKey] == GModelFormat.formatValue else {
      throw GauntletError.malformedFile(
        path: path,
        detail: "not a .gmodel: metadata '\(GModelFormat.formatKey)' is \(meta[GModelFormat.formatKey].map { "'\($0)'" } ?? "missing") (expected 'gmodel'); for PyTorch exports use Sequential.importTorch(path:on:)")
    }
    guard let version = meta[GModelFormat.versionKey] else {
      throw GauntletError.malformedFile(path: path, detail: "metadata '\(GModelFormat.versionKey)' is missing")
    }
    guard version == GModelFormat.version else {
      throw GauntletError.malformedFile(
        path: path, detail: "gmodel version '\(version)' is not supported; this build reads version \(GModelFormat.version). Use a newer Gauntlet or re-export the model")
    }
    guard let specText = meta[GModelFormat.specKey] else {
      throw GauntletError.malformedFile(path: path, detail: "metadata '\(GModelFormat.specKey)' is missing")
    }
    let spec: ModelSpec
    do { spec = try ModelSpec(parsing: specText) } catch {
      throw GauntletError.malformedFile(path: path, detail: "invalid '\(GModelFormat.specKey)': \(error)")
    }
    let model = try spec.build(on: backend, seed: 0)
    try model.assign(file.tensors, path: path) { p, _ in p.name }
    return model
  }

  /// Loads every parameter from `tensors[name(parameter, layerIndex)]`, strictly: each must be
  /// present with the parameter's shape and finite values, and no other tensor may be present.
  /// `optionalBias` lets a missing bias default to zeros (PyTorch `bias=False`).
  func assign(_ tensors: [String: SafeTensor], path: String, optionalBias: Bool = false,
              name: (Parameter, Int) -> String) throws {
    var used = Set<String>()
    for (i, layer) in layers.enumerated() {
      for (j, p) in layer.parameters.enumerated() {
        let key = name(p, i)
        guard let t = tensors[key] else {
          if optionalBias && j == 1 {
            try backend.fill(p.value, value: 0, offset: 0, count: p.count)
            continue
          }
          throw GauntletError.malformedFile(
            path: path, detail: "missing tensor '\(key)' (shape \(p.shape)) required by layer \(i) (\(layer.spec.typeName))")
        }
        guard t.shape == p.shape, t.values.count == p.count else {
          throw GauntletError.shapeMismatch(
            operation: "load \(path)", detail: "tensor '\(key)' has shape \(t.shape) but layer \(i) (\(layer.spec.typeName)) needs \(p.shape)")
        }
        if let bad = t.values.firstIndex(where: { !$0.isFinite }) {
          throw GauntletError.nonFinite(context: "\(path): tensor '\(key)'", index: bad)
        }
        try p.load(t.values)
        used.insert(key)
      }
    }
    if let extra = tensors.keys.sorted().first(where: { !used.contains($0) }) {
      throw GauntletError.malformedFile(path: path, detail: "unexpected tensor '\(extra)': the spec has no parameter of that name")
    }
  }
}
