import Foundation
import GauntletCore
import GauntletDefenses
import GauntletModels
import GauntletOracle

/// Turns the JSON tree of an experiment into `ExperimentConfig`, recording every problem.
struct ConfigParser {
  let sink: IssueSink
  let baseDirectory: String
  let checkBackend: Backend?

  func experiment(_ root: JSONNode, defaultName: String) -> ExperimentConfig? {
    guard let r = ConfigReader(root, field: "", sink: sink) else { return nil }
    let name = r.string("name", default: defaultName)
    let victim: VictimConfig? = r.node("victim").map { self.victim($0) } ?? { r.missing("victim", #"{"recipe": "mlp:64-128-64-10", "epochs": 30, "seed": 1} or {"model": "FILE.gmodel"}"#); return nil }()
    let dataset = r.string("dataset", default: "digits")
    if let d = dataset, d != "digits", let n = r.node("dataset") {
      sink.add("dataset", n.line, "unknown dataset '\(d)'; only 'digits' is supported")
    }
    let samples = r.int("samples", default: 20)
    let output = r.string("output", default: "probabilities")
    if let o = output, let n = r.node("output") {
      do { _ = try OutputMode(parsing: o) } catch { sink.add("output", n.line, "\(error)") }
    }
    let defenses = defenseList(r)
    let backends = backendList(r)
    let images = r.int("images", default: 4, range: 0...64, what: "an integer in 0…64")
    let costSamples = r.int("costSamples")
    var attacks: [AttackConfig] = []
    if let n = r.node("attacks") {
      if case let .array(items, _) = n {
        for (i, item) in items.enumerated() {
          if let a = attack(item, field: "attacks[\(i)]", defaultSamples: samples ?? 20) { attacks.append(a) }
        }
      } else {
        sink.add("attacks", n.line, "must be a list of attack objects, got \(n.kindName)")
      }
    } else {
      r.missing("attacks", #"a list such as [{"attack": "square", "eps": 0.1, "budgets": [500]}]"#)
    }
    r.rejectUnknownKeys()
    guard let name, let victim, let output, let defenses, let backends, let images, samples != nil else { return nil }
    return ExperimentConfig(name: name, victim: victim, dataset: dataset ?? "digits", output: output, defenses: defenses,
                            attacks: attacks, backends: backends, images: images, costSamples: costSamples)
  }

  func victim(_ node: JSONNode) -> VictimConfig? {
    guard let r = ConfigReader(node, field: "victim", sink: sink) else { return nil }
    defer { r.rejectUnknownKeys() }
    let recipe = r.string("recipe"), model = r.string("model")
    let epochs = r.int("epochs", default: VictimRecipes.mlpEpochs)
    let seed = r.int("seed", default: 1, range: 0...Int.max, what: "an integer ≥ 0")
    switch (recipe, model) {
    case (nil, nil):
      if !r.has("recipe") && !r.has("model") { r.missing("recipe", "give 'recipe' (e.g. mlp:64-128-64-10) or 'model' (a .gmodel file)") }
      return nil
    case (.some, .some):
      sink.add("victim", r.line, "give 'recipe' or 'model', not both")
      return nil
    case let (recipe?, nil):
      do {
        let spec = try ModelSpec(parsing: recipe)
        try spec.validate()
        let classes = try spec.classCount()
        if spec.inputShape.reduce(1, *) != 64 || classes != 10 {
          sink.add("victim.recipe", r.node("recipe")?.line ?? r.line,
                   "the digits data needs 64 inputs and 10 classes, '\(recipe)' has input \(spec.inputShape) and \((try? spec.classCount()) ?? 0) classes")
        }
      } catch {
        sink.add("victim.recipe", r.node("recipe")?.line ?? r.line, "\(error)")
      }
      guard let epochs, let seed else { return nil }
      return .recipe(spec: recipe, epochs: epochs, seed: UInt64(seed))
    case let (nil, model?):
      for k in ["epochs", "seed"] where r.has(k) {
        sink.add("victim.\(k)", r.node(k)?.line ?? r.line, "only for a 'recipe' victim, not a loaded model")
      }
      let resolved = model.hasPrefix("/") ? model : URL(fileURLWithPath: baseDirectory).appendingPathComponent(model).path
      if !FileManager.default.fileExists(atPath: resolved) {
        sink.add("victim.model", r.node("model")?.line ?? r.line, "file '\(model)' not found (paths are relative to the config's folder)")
      }
      return .model(path: resolved)
    }
  }

  func defenseList(_ r: ConfigReader) -> [String]? {
    guard r.has("defenses") else { _ = r.node("defenses"); return ["none"] }
    guard let items = r.strings("defenses") else { return nil }
    var surrogate: (any DifferentiableModel)?
    if let b = checkBackend { surrogate = try? ModelSpec(parsing: "mlp:64-10").build(on: b, seed: 0) }
    var ok = true
    for (i, (spec, line)) in items.enumerated() {
      do {
        _ = try DefenseChain(parsing: spec, context: DefenseContext(surrogate: surrogate, key: 0x6A57))
      } catch {
        let text = "\(error)"
        // Without a check backend, a model-needing defense cannot be built yet; its spec still parsed.
        if surrogate == nil && text.contains("surrogate") { continue }
        sink.add("defenses[\(i)]", line, text); ok = false
      }
    }
    if Set(items.map(\.0)).count != items.count {
      sink.add("defenses", r.node("defenses")?.line ?? r.line, "lists the same defense chain twice"); ok = false
    }
    return ok ? items.map(\.0) : nil
  }

  func backendList(_ r: ConfigReader) -> [String]? {
    guard r.has("backends") else { _ = r.node("backends"); return ["cpu"] }
    guard let items = r.strings("backends") else { return nil }
    var ok = true
    for (i, (b, line)) in items.enumerated() where !ExperimentConfig.backendNames.contains(b.lowercased()) {
      sink.add("backends[\(i)]", line, "unknown backend '\(b)'; choose from cpu, opencl, auto"); ok = false
    }
    if Set(items.map { $0.0.lowercased() }).count != items.count {
      sink.add("backends", r.line, "lists a backend twice"); ok = false
    }
    return ok ? items.map { $0.0.lowercased() } : nil
  }

  func attack(_ node: JSONNode, field: String, defaultSamples: Int) -> AttackConfig? {
    guard let r = ConfigReader(node, field: field, sink: sink) else { return nil }
    defer { r.rejectUnknownKeys() }
    let before = sink.issues.count
    let name = r.string("attack")?.lowercased()
    if name == nil && !r.has("attack") { r.missing("attack", "an attack name: \(AttackRegistry.allNames.joined(separator: ", "))") }
    let label = r.string("label")
    let eps = r.numbers("eps", what: "a number > 0 (or a list of them)") { $0 > 0 }
    let budgets = r.numbers("budgets", what: "an integer > 0 (or a list of them)") { $0 > 0 && $0 == $0.rounded() && $0 < 1e12 }
    let samples = r.int("samples", default: defaultSamples)
    let seeds = r.numbers("seeds", what: "an integer ≥ 0 (or a list of them)") { $0 >= 0 && $0 == $0.rounded() && $0 < 1e15 }
    var params: [String: String] = [:]
    if let p = r.node("params") {
      if case let .object(members, _) = p {
        for m in members {
          switch m.value {
          case let .string(s, _): params[m.key.lowercased()] = s
          case let .number(v, _): params[m.key.lowercased()] = v == v.rounded() && Swift.abs(v) < 1e15 ? String(Int(v)) : String(v)
          case let .bool(b, _): params[m.key.lowercased()] = b ? "1" : "0"
          default: sink.add("\(field).params.\(m.key)", m.line, "must be a string, number or boolean, got \(m.value.kindName)")
          }
        }
      } else {
        sink.add("\(field).params", p.line, "must be an object of attack parameters, got \(p.kindName)")
      }
    }
    let kind = r.string("kind")
    if let kind, AttackRegistry.adapter(kind: kind) == nil {
      sink.add("\(field).kind", r.node("kind")?.line ?? r.line,
               "unknown kind '\(kind)'; valid: \(AttackRegistry.adapters.map(\.kind).joined(separator: ", "))")
      return nil
    }
    guard let name else { return nil }
    // `kind` picks between kinds sharing a name (`boundary`: decision-based evasion or extraction).
    guard let adapter = kind.flatMap({ k in AttackRegistry.adapter(kind: k).flatMap { $0.names.contains(name) ? $0 : nil } })
            ?? (kind == nil ? AttackRegistry.adapter(for: name) : nil) else {
      sink.add("\(field).attack", r.node("attack")?.line ?? r.line,
               kind.map { "'\(name)' is not an attack of kind \($0), which has: \(AttackRegistry.adapter(kind: $0)!.names.joined(separator: ", "))" }
                 ?? "unknown attack '\(name)'; valid: \(AttackRegistry.allNames.joined(separator: ", "))")
      return nil
    }
    switch adapter.epsilon(name) {
    case .required where !r.has("eps"): r.missing("eps", "\(name) needs a perturbation size, e.g. 0.1 or [0.05, 0.1]")
    case .none: if let n = r.node("eps") { sink.add("\(field).eps", n.line, "\(name) takes no eps") }
    default: break
    }
    if adapter.usesBudgets(name) && !r.has("budgets") { r.missing("budgets", "query budgets, e.g. [100, 1000]") }
    if !adapter.usesBudgets(name), let n = r.node("budgets") {
      sink.add("\(field).budgets", n.line, "\(name) is a white-box attack and spends no queries; set its steps in params")
    }
    guard sink.issues.count == before, let samples else { return nil }
    let config = AttackConfig(attack: name, kind: adapter.kind, label: label, params: params, eps: eps ?? [],
                              budgets: (budgets ?? []).map { Int($0) }, samples: samples, seeds: (seeds ?? [0]).map { UInt64($0) })
    for problem in adapter.validate(config) { sink.add(field, r.line, problem) }
    return config
  }
}
