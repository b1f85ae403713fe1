/// One attack entry of an experiment: an attack of any registered kind with its budgets, ε values,
/// samples and seeds. Each (ε, budget, seed) the kind asks for becomes a cell per defense and backend.
///
/// ```json
/// { "attack": "square", "eps": [0.05, 0.1, 0.2], "budgets": [100, 500], "samples": 20, "seeds": [0],
///   "params": { "p": 0.3 } }
/// ```
public struct AttackConfig: Sendable, Hashable, Codable {
  /// Attack name as the registry knows it (lowercased), e.g. `square`.
  public var attack: String
  /// Registry kind: `score`, `evasion`, `extraction`.
  public var kind: String
  /// Name shown in the report (default: the attack name).
  public var label: String
  /// Extra attack parameters, `key → value` text, in the attack's own spec vocabulary.
  public var params: [String: String]
  /// Perturbation sizes (empty for attacks without one).
  public var eps: [Double]
  /// Query budgets (per sample for evasion, total for extraction); each > 0.
  public var budgets: [Int]
  /// Samples attacked (evasion) or test points used to measure the thief (extraction).
  public var samples: Int
  public var seeds: [UInt64]

  public init(attack: String, kind: String, label: String? = nil, params: [String: String] = [:], eps: [Double] = [],
              budgets: [Int], samples: Int, seeds: [UInt64] = [0]) {
    self.attack = attack; self.kind = kind; self.label = label ?? attack; self.params = params; self.eps = eps
    self.budgets = budgets; self.samples = samples; self.seeds = seeds
  }

  /// `key=value` pairs of `params`, sorted by key, joined with commas.
  public var paramText: String { params.keys.sorted().map { "\($0)=\(params[$0]!)" }.joined(separator: ",") }
}
