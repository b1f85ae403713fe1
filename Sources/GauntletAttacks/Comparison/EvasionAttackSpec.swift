import GauntletCore

/// Builds any evasion attack from text (`--attacks "fgsm:eps=0.1;hsj:queries=1000"`).
///
/// `NAME[:key=value,…]` with NAME one of:
/// - white-box: `fgsm` — `eps`, `norm`; `pgd` / `bim` — `eps`, `norm`, `steps` (40), `step`
///   (α, default 2.5·ε/steps), `seed`; `apgd` (APGD-CE) — `eps`, `norm`, `steps` (100), `rho` (0.75); `cw` — `c` (1), `kappa` (0), `lr` (0.01), `steps` (100),
///   `search` (5), `eps` (optional L2 success radius); `deepfool` — `steps` (50), `overshoot` (0.02), `eps`
/// - decision-based (label only): `hsj` — `norm` (l2|linf, default l2), `queries` (1000), `eps`,
///   `evals` (100), `maxevals` (10000), `gamma` (1), `init` (100), `seed`; `boundary` — `queries`, `eps`,
///   `delta` (0.01), `step` (0.01), `adapt` (0.667), `trials` (5), `init`, `seed`; `signopt` —
///   `queries`, `eps`, `k` (50), `alpha` (0.2), `beta` (0.001), `init`, `seed`
/// - score-based: every `ScoreAttackSpec` name (`square`, `simba`, `zoo`, `nes`, `spsa`, `prgf`)
/// - `transfer:attack=NAME,…` — the white-box attack NAME with the remaining keys, crafted on the
///   substitute and evaluated on the victim through the oracle.
///
/// `eps` of a decision-based, C&W or DeepFool attack is optional: with it a sample succeeds only
/// within that radius (decision-based ones stop there). Unknown names, keys and malformed values
/// are rejected with the list of valid ones.
///
/// ```swift
/// let pgd = try EvasionAttackSpec.parse("pgd:eps=0.1,steps=40,norm=linf")
/// let run = try pgd.run(inputs: x, labels: y, model: victim)
/// let t = try EvasionAttackSpec.parse("transfer:attack=pgd,eps=0.1", substitute: stolen)
/// ```
public enum EvasionAttackSpec {
  public static let whiteBoxNames = ["fgsm", "pgd", "bim", "apgd", "cw", "deepfool"]
  public static let decisionNames = ["hsj", "boundary", "signopt"]
  /// Every name `parse` accepts.
  public static var names: [String] { whiteBoxNames + decisionNames + ScoreAttackSpec.names + ["transfer"] }

  /// Parses one spec. `surrogate` serves `prgf`; `substitute` serves `transfer`.
  public static func parse(_ text: String, surrogate: (any DifferentiableModel)? = nil,
                           substitute: (any DifferentiableModel)? = nil) throws -> EvasionAttack {
    let (name, kv0) = try split(text)
    var kv = kv0
    if ScoreAttackSpec.names.contains(name) { return .score(try ScoreAttackSpec.parse(text, surrogate: surrogate)) }
    let attack: EvasionAttack
    switch name {
    case "fgsm", "pgd", "bim", "apgd", "cw", "deepfool":
      attack = .whiteBox(try whiteBox(name, &kv))
    case "hsj", "hopskipjump":
      attack = .decision(try HopSkipJump(norm: norm(&kv, .l2), maxQueries: kv.int("queries", 1_000), epsilon: optional(&kv, "eps"),
                                         initialEvaluations: kv.int("evals", 100), maxEvaluations: kv.int("maxevals", 10_000),
                                         gamma: kv.float("gamma", 1), initTries: kv.int("init", 100), seed: kv.seed()))
    case "boundary":
      attack = .decision(try BoundaryAttack(maxQueries: kv.int("queries", 1_000), epsilon: optional(&kv, "eps"),
                                            delta: kv.float("delta", 0.01), sourceStep: kv.float("step", 0.01),
                                            stepAdapt: kv.float("adapt", 0.667), trials: kv.int("trials", 5),
                                            initTries: kv.int("init", 100), seed: kv.seed()))
    case "signopt", "sign-opt":
      attack = .decision(try SignOPT(maxQueries: kv.int("queries", 1_000), epsilon: optional(&kv, "eps"), k: kv.int("k", 50),
                                     alpha: kv.float("alpha", 0.2), beta: kv.float("beta", 0.001),
                                     initTries: kv.int("init", 100), seed: kv.seed()))
    case "transfer":
      let inner = kv.string("attack", "")
      guard whiteBoxNames.contains(inner) else {
        throw GauntletError.invalidArgument(name: "attack", detail: "'\(text)': transfer needs attack=<\(whiteBoxNames.joined(separator: "|"))>")
      }
      guard let substitute else {
        throw GauntletError.invalidArgument(name: "attack", detail: "'\(text)': transfer needs a substitute model (--substitute FILE)")
      }
      attack = .transfer(TransferAttack(attack: try whiteBox(inner, &kv), substitute: substitute))
    default:
      throw GauntletError.invalidArgument(name: "attack", detail: "unknown evasion attack '\(name)'; choose one of \(names.joined(separator: ", "))")
    }
    try kv.checkAllUsed(name)
    return attack
  }

  /// Parses a list separated by `;` (or newlines).
  public static func parseList(_ text: String, surrogate: (any DifferentiableModel)? = nil,
                               substitute: (any DifferentiableModel)? = nil) throws -> [EvasionAttack] {
    let parts = text.split(whereSeparator: { $0 == ";" || $0 == "\n" }).map { String($0).trimmingCharactersInSpaces() }.filter { !$0.isEmpty }
    guard !parts.isEmpty else { throw GauntletError.invalidArgument(name: "attacks", detail: "no attack given") }
    return try parts.map { try parse($0, surrogate: surrogate, substitute: substitute) }
  }

  static func whiteBox(_ name: String, _ kv: inout ScoreAttackSpec.Keys) throws -> any WhiteBoxAttack {
    switch name {
    case "fgsm": return try FGSM(norm: kv.norm(), epsilon: kv.float("eps", nil))
    case "pgd", "bim":
      let steps = try kv.int("steps", 40)
      return try PGDAttack(norm: kv.norm(), epsilon: kv.float("eps", nil), steps: steps, stepSize: optional(&kv, "step"),
                           randomStart: name == "pgd", seed: kv.seed())
    case "apgd":
      return try APGDAttack(norm: kv.norm(), epsilon: kv.float("eps", nil), steps: kv.int("steps", 100), rho: kv.float("rho", 0.75))
    case "cw":
      return try CarliniWagnerL2(c: kv.float("c", 1), confidence: kv.float("kappa", 0), learningRate: kv.float("lr", 0.01),
                                 steps: kv.int("steps", 100), binarySearchSteps: kv.int("search", 5), epsilon: optional(&kv, "eps"))
    default:
      return try DeepFool(steps: kv.int("steps", 50), overshoot: kv.float("overshoot", 0.02), epsilon: optional(&kv, "eps"))
    }
  }

  static func split(_ text: String) throws -> (String, ScoreAttackSpec.Keys) {
    let t = text.trimmingCharactersInSpaces()
    let (name, rest) = t.firstIndex(of: ":").map { (String(t[..<$0]).lowercased(), String(t[t.index(after: $0)...])) } ?? (t.lowercased(), "")
    var kv = ScoreAttackSpec.Keys(spec: text)
    for part in rest.split(separator: ",") where !part.isEmpty {
      let pair = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharactersInSpaces() }
      guard pair.count == 2, !pair[0].isEmpty else {
        throw GauntletError.invalidArgument(name: "attack", detail: "'\(text)': '\(part)' is not key=value")
      }
      kv.values[pair[0].lowercased()] = pair[1]
    }
    return (name, kv)
  }

  static func optional(_ kv: inout ScoreAttackSpec.Keys, _ key: String) throws -> Float? {
    kv.values[key] == nil ? nil : try kv.float(key, nil)
  }

  static func norm(_ kv: inout ScoreAttackSpec.Keys, _ d: Norm) throws -> Norm {
    switch kv.string("norm", d.rawValue) {
    case "linf", "inf": return .linf
    case "l2", "2": return .l2
    case let n: throw GauntletError.invalidArgument(name: "norm", detail: "'\(n)': use linf or l2")
    }
  }
}
