import GauntletCore
import GauntletOracle

/// What a defense spec cannot say in text: models and keys.
public struct DefenseContext: Sendable {
  /// The defender's surrogate of the attacker's model (needed by `mad`).
  public var surrogate: (any DifferentiableModel)?
  /// A misinformation model for `adaptive-misinformation` (default: `softmax(−z)` of the victim).
  public var misinformation: (any Classifier)?
  /// Default secret key of randomised and keyed defenses (`noise`, `dawn`) when the spec has no `key=`.
  public var key: UInt64

  public init(surrogate: (any DifferentiableModel)? = nil, misinformation: (any Classifier)? = nil, key: UInt64 = 0) {
    self.surrogate = surrogate; self.misinformation = misinformation; self.key = key
  }
}

/// One entry of the defense catalog.
public struct DefenseCatalogEntry: Sendable {
  public let name: String
  public let aliases: [String]
  /// The key a bare `name:value` sets.
  public let positional: String?
  public let keys: [String]
  public let summary: String
  let build: @Sendable (SpecParameters, DefenseContext) throws -> any OutputDefense
}

/// Every output defense the parser knows, in documentation order.
public enum DefenseCatalog {
  public static let entries: [DefenseCatalogEntry] = [
    DefenseCatalogEntry(name: "round", aliases: ["rounding"], positional: "decimals", keys: ["decimals"],
                        summary: "round probabilities to d decimals (Tramèr et al. 2016)") { p, _ in
      try RoundingDefense(decimals: p.int("decimals"))
    },
    DefenseCatalogEntry(name: "topk", aliases: ["top-k"], positional: "k", keys: ["k", "renormalize"],
                        summary: "reveal the k largest probabilities (Orekondy et al. 2019)") { p, _ in
      try TopKDefense(k: p.int("k"), renormalize: p.bool("renormalize", default: false))
    },
    DefenseCatalogEntry(name: "label-only", aliases: ["label"], positional: nil, keys: [],
                        summary: "reveal labels only (Tramèr et al. 2016)") { _, _ in LabelOnlyDefense() },
    DefenseCatalogEntry(name: "threshold", aliases: ["high-confidence"], positional: "cutoff", keys: ["cutoff"],
                        summary: "zero probabilities below a cutoff, keep the top-1 (ART HighConfidence)") { p, _ in
      try ConfidenceThresholdDefense(cutoff: p.float("cutoff"))
    },
    DefenseCatalogEntry(name: "noise", aliases: [], positional: "kind", keys: ["kind", "sigma", "scale", "space", "key"],
                        summary: "content-seeded Gaussian/Laplace noise on probabilities or logits") { p, ctx in
      guard p.raw("sigma") == nil || p.raw("scale") == nil else {
        throw GauntletError.invalidArgument(name: "noise", detail: "give sigma or scale, not both")
      }
      let scale = try p.raw("sigma") != nil ? p.float("sigma") : p.float("scale")
      return try NoiseDefense(kind: p.choice("kind", default: NoiseDefense.Kind.gaussian), scale: scale,
                              space: p.choice("space", default: ScoreSpace.probabilities), key: p.uint64("key", default: ctx.key))
    },
    DefenseCatalogEntry(name: "reverse-sigmoid", aliases: ["rs"], positional: "beta", keys: ["beta", "gamma"],
                        summary: "reverse sigmoid perturbation (Lee et al. 2019)") { p, _ in
      try ReverseSigmoidDefense(beta: p.float("beta"), gamma: p.float("gamma", default: 0.1))
    },
    DefenseCatalogEntry(name: "mad", aliases: ["prediction-poisoning"], positional: "epsilon",
                        keys: ["epsilon", "norm", "argmax"],
                        summary: "prediction poisoning, maximizing angular deviation (Orekondy et al. 2020); needs a surrogate") { p, ctx in
      guard let s = ctx.surrogate else {
        throw GauntletError.invalidArgument(name: "mad", detail: "needs a surrogate model: pass DefenseContext(surrogate:)")
      }
      return try PredictionPoisoningDefense(surrogate: s, epsilon: p.float("epsilon"),
                                            norm: p.choice("norm", default: PredictionPoisoningDefense.BudgetNorm.l1),
                                            argmaxPreserving: p.bool("argmax", default: false))
    },
    DefenseCatalogEntry(name: "adaptive-misinformation", aliases: ["am"], positional: "tau", keys: ["tau", "nu"],
                        summary: "misinformation for out-of-distribution queries (Kariyappa & Qureshi 2020)") { p, ctx in
      try AdaptiveMisinformationDefense(tau: p.float("tau"), nu: p.float("nu", default: 1000), misinformation: ctx.misinformation)
    },
    DefenseCatalogEntry(name: "deceptive", aliases: [], positional: "beta", keys: ["beta"],
                        summary: "argmax-preserving rank-reversal perturbation") { p, _ in
      try DeceptivePerturbationDefense(beta: p.float("beta", default: 1))
    },
    DefenseCatalogEntry(name: "dawn", aliases: ["watermark"], positional: "rate", keys: ["rate", "key"],
                        summary: "DAWN watermark: keyed fraction of wrong labels (Szyller et al. 2021)") { p, ctx in
      try DAWNWatermark(rate: p.double("rate"), key: p.uint64("key", default: ctx.key))
    },
  ]

  /// Valid names (with aliases in parentheses), for error messages and `--help`.
  public static var validNames: String {
    entries.map { $0.aliases.isEmpty ? $0.name : "\($0.name) (\($0.aliases.joined(separator: ", ")))" }.joined(separator: ", ")
  }

  static func entry(_ name: String) -> DefenseCatalogEntry? {
    entries.first { $0.name == name || $0.aliases.contains(name) }
  }
}

extension DefenseChain {
  /// Parses a defense-chain spec, e.g. `"round:2,topk:3"`, `"reverse-sigmoid:beta=1,gamma=0.1"`,
  /// `"noise:gaussian,sigma=0.05"`, `"none"`. Grammar:
  ///
  /// ```
  /// chain := "none" | item ((","|";") item)*
  /// item  := NAME [":" VALUE | ":" KEY "=" VALUE]   -- starts a defense (VALUE: its positional key)
  ///        | KEY "=" VALUE                          -- another parameter of the defense before it
  /// ```
  ///
  /// Defenses (positional key first; aliases in parentheses):
  /// `round` (decimals) · `topk` (k, renormalize) · `label-only` (label) · `threshold` (cutoff;
  /// high-confidence) · `noise` (kind = gaussian|laplace, sigma|scale, space = probabilities|logits,
  /// key) · `reverse-sigmoid` (beta, gamma = 0.1; rs) · `mad` (epsilon, norm = l1|l2, argmax;
  /// prediction-poisoning; needs `context.surrogate`) · `adaptive-misinformation` (tau, nu = 1000;
  /// am) · `deceptive` (beta = 1) · `dawn` (rate, key; watermark).
  /// Names and keys are case-insensitive. Unknown names, unknown keys and bad values throw
  /// `invalidArgument` listing the valid options. `spec` of the result parses back to an
  /// equivalent chain (it includes secret keys; show `redactedSpec` to users).
  public init(parsing text: String, context: DefenseContext = DefenseContext()) throws {
    let items = try SpecGrammar.parse(text, what: "defense") { DefenseCatalog.entry($0)?.positional }
    var defenses: [any OutputDefense] = []
    for item in items {
      guard let e = DefenseCatalog.entry(item.name) else {
        throw GauntletError.invalidArgument(name: "defense", detail: "unknown defense '\(item.name)'; valid: \(DefenseCatalog.validNames)")
      }
      try item.check(allowed: e.keys)
      defenses.append(try e.build(item, context))
    }
    self.init(defenses)
  }

  /// The chain's DAWN watermark, if it has one (to `verify` a suspect later).
  public var watermark: DAWNWatermark? { defenses.lazy.compactMap { $0 as? DAWNWatermark }.first }
}
