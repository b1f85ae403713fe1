import GauntletCore

/// One (ε, budget, seed) setting of an attack entry; a kind decides which of them it varies.
public struct CellVariant: Sendable, Hashable, Codable {
  public var eps: Double?
  public var budget: Int?
  public var seed: UInt64
  public init(eps: Double?, budget: Int?, seed: UInt64) { self.eps = eps; self.budget = budget; self.seed = seed }
}

/// Connects one kind of attack (score-based, white-box/decision evasion, extraction) to the
/// experiment runner: which names it owns, how it checks an entry before any work starts, which
/// cells an entry expands to, and how one cell runs. Adding a kind is one file conforming to this
/// protocol plus its line in `AttackRegistry.adapters`.
public protocol AttackAdapter: Sendable {
  /// Kind name written into results (`score`, `evasion`, `extraction`).
  var kind: String { get }
  /// Attack names this kind owns (lowercase).
  var names: [String] { get }
  /// Whether the attack goes through the oracle, and so through each defense chain. A white-box
  /// attack holds the model and runs once, against the undefended victim (defense `none`).
  func throughOracle(_ attack: String) -> Bool
  /// Whether `attack` needs, accepts or refuses a perturbation size `eps`.
  func epsilon(_ attack: String) -> EpsilonUse
  /// Whether `attack` spends queries (then `budgets` is required; white-box attacks have none).
  func usesBudgets(_ attack: String) -> Bool
  /// Problems with an entry (unknown parameter, bad value), each a sentence; empty when valid.
  /// Must not train or attack anything.
  func validate(_ attack: AttackConfig) -> [String]
  /// The settings one entry expands to, in a fixed order.
  func variants(_ attack: AttackConfig) -> [CellVariant]
  /// Runs one cell on `context` (victim, defense, backend already chosen).
  func run(_ attack: AttackConfig, _ variant: CellVariant, context: CellContext) throws -> CellOutcome
}

/// How an attack uses the entry's `eps`.
public enum EpsilonUse: Sendable { case required, optional, none }

/// What a cell measured: deterministic metrics, an optional curve, optional images, and the
/// number of oracle (or gradient) rows it used, for throughput.
public struct CellOutcome: Sendable {
  public var spec: String
  public var metrics: [String: Double]
  public var curve: [CurvePoint]
  public var images: ImageTriples?
  public var rows: Int
  public init(spec: String, metrics: [String: Double], curve: [CurvePoint] = [], images: ImageTriples? = nil, rows: Int) {
    self.spec = spec; self.metrics = metrics; self.curve = curve; self.images = images; self.rows = rows
  }
}
