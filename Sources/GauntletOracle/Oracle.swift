import Foundation
import GauntletCore

/// The black-box boundary: a model behind an ordered defense chain, query monitors and an exact
/// ledger. Black-box attacks receive an `Oracle` (or an `OracleSession`) and never the model:
/// the model is private and no API returns it, its gradients or its parameters.
///
/// Pipeline of `query` (one batch):
/// 1. **Validation** — tensor on the model's backend, `[rows] + inputShape` (or `[rows, features]`),
///    `rows ≥ 1`, every value finite and inside `inputBounds`. A rejected batch is **not charged**
///    (it never reaches the model; `ClientUsage.rejectedRows` counts it) and throws a typed error:
///    `invalidArgument` (empty batch, value outside the box), `shapeMismatch` (wrong dimension),
///    `nonFinite` (NaN/±Inf, index into the batch), `foreignBuffer` (tensor on another backend).
/// 2. **Admission** — atomically, under one lock: per-client limit, global limit, then the rate
///    limit. A batch that would cross any of them is refused **whole** (`budgetExhausted`, nothing
///    charged, `refusedRows` counts it); otherwise every row is charged at once: to the client, to
///    its `QueryPurpose`, to its attack samples (`SampleAttribution`) and to the global total.
///    So 64 concurrent clients can never exceed a budget by a single row. An admitted batch stays
///    charged even if the model later fails (its rows reached the deployment).
/// 3. **Answer** — model logits → defense chain (`DefenseChain.apply`) → the `OutputMode`.
/// 4. **Monitors** observe the batch (host rows + revealed labels); alarms are recorded and,
///    with `MonitorAction.revokeBudget`, end the client's budget.
/// 5. **Audit log** — one JSON line per batch, answered, rejected or refused.
///
/// ```swift
/// let oracle = try Oracle(model: victim, configuration: OracleConfiguration(
///   mode: .probabilities, budget: QueryBudget(perClient: 10_000), inputBounds: 0...16))
/// let attacker = oracle.session(client: "mallory")
/// let answer = try attacker.query(x, purpose: .loss, samples: .contiguous(first: 0, rowsPerSample: 50))
/// attacker.usage.answered.loss   // rows charged for loss estimation
/// ```
public final class Oracle: @unchecked Sendable {
  // Safe: the model and configuration are immutable after init; the mutable ledger (`clients`,
  // `globalUsed`, `sequence`) is only touched under `lock`; monitors and the audit log are
  // thread-safe themselves.
  private let model: Classifier
  /// Not public: it holds defender secrets (noise and watermark keys, a MAD surrogate).
  let configuration: OracleConfiguration
  public let backend: Backend
  public let inputShape: [Int]
  public let featureCount: Int
  public let classCount: Int

  let lock = NSLock()
  var clients: [String: ClientState] = [:]
  var globalUsed = 0
  var sequence = 0

  /// Builds an oracle; validates the configuration against the model (top-k ≤ classes, budgets
  /// ≥ 0, rate > 0, each defense's `prepare`).
  public init(model: Classifier, configuration: OracleConfiguration = OracleConfiguration()) throws {
    self.model = model
    self.configuration = configuration
    self.backend = model.backend
    self.inputShape = model.inputShape
    self.featureCount = model.inputShape.reduce(1, *)
    self.classCount = model.classCount
    guard featureCount > 0, classCount > 0 else {
      throw GauntletError.invalidArgument(name: "model", detail: "needs ≥ 1 feature and ≥ 1 class, got input \(inputShape), \(classCount) classes")
    }
    if case let .topK(k) = configuration.mode, k < 1 || k > classCount {
      throw GauntletError.invalidArgument(name: "mode", detail: "top-k needs 1 ≤ k ≤ \(classCount) classes, got \(k)")
    }
    try configuration.budget.validate()
    try configuration.rateLimit?.validate()
    if let b = configuration.inputBounds, !b.lowerBound.isFinite || !b.upperBound.isFinite {
      throw GauntletError.invalidArgument(name: "inputBounds", detail: "bounds must be finite, got \(b)")
    }
    try configuration.defenses.prepare(DefenseSetup(backend: backend, classCount: classCount, inputShape: inputShape))
  }

  public var mode: OutputMode { configuration.mode }
  public var inputBounds: ClosedRange<Float>? { configuration.inputBounds }
  public var clock: SimulatedClock { configuration.clock }
  public var budget: QueryBudget { configuration.budget }
  public var rateLimit: RateLimit? { configuration.rateLimit }
  /// The defense chain as deployed, secret keys masked (`DefenseChain.redactedSpec`): the defense
  /// is public knowledge, its keys are not.
  public var defenseSpec: String { configuration.defenses.redactedSpec }

  /// A handle bound to one client: what a black-box attack should receive.
  public func session(client: String) -> OracleSession { OracleSession(oracle: self, client: client) }

  /// A snapshot of `client`'s accounting (zeros for an unknown client).
  public func usage(of client: String) -> ClientUsage {
    lock.withLock { snapshot(client) }
  }

  /// Every client that has sent a batch, sorted by name.
  public var clientNames: [String] { lock.withLock { clients.keys.sorted() } }

  /// Rows answered to all clients together.
  public var totalAnswered: Int { lock.withLock { globalUsed } }

  /// Every alarm raised so far, in client-name order.
  public var alarms: [MonitorAlarm] {
    lock.withLock { clients.keys.sorted().flatMap { clients[$0]?.usage.alarms ?? [] } }
  }

  /// Sets `client`'s row limit (nil: unlimited), overriding `QueryBudget.perClient`.
  public func setLimit(_ limit: Int?, for client: String) throws {
    if let l = limit, l < 0 {
      throw GauntletError.invalidArgument(name: "limit", detail: "must be ≥ 0, got \(l)")
    }
    lock.withLock {
      var st = clients[client] ?? newClient(client)
      st.usage.limit = limit
      clients[client] = st
    }
  }

  /// Runs the private model (for the query pipeline only).
  func modelLogits(_ x: Tensor) throws -> Tensor { try model.logits(x) }
}

/// An oracle bound to one client. Black-box attacks take one of these: it can query, and read its
/// own accounting and the deployment's public facts, nothing else (no limits to raise, no other
/// clients to read).
public struct OracleSession: Sendable {
  let oracle: Oracle
  public let client: String

  public init(oracle: Oracle, client: String) { self.oracle = oracle; self.client = client }

  public var inputShape: [Int] { oracle.inputShape }
  public var featureCount: Int { oracle.featureCount }
  public var classCount: Int { oracle.classCount }
  public var mode: OutputMode { oracle.mode }
  public var inputBounds: ClosedRange<Float>? { oracle.inputBounds }
  public var backend: Backend { oracle.backend }
  /// The deployed defenses, keys masked.
  public var defenseSpec: String { oracle.defenseSpec }
  /// The simulated clock of the deployment (attackers may read it; advancing it is the simulator's job).
  public var now: Double { oracle.clock.now }

  /// Queries a batch `[rows] + inputShape` on `backend` (see `Oracle.query`).
  public func query(_ x: Tensor, purpose: QueryPurpose = .other, samples: SampleAttribution = .none) throws -> OracleAnswer {
    try oracle.query(x, client: client, purpose: purpose, samples: samples)
  }

  /// Queries row-major host rows (`count` a multiple of `featureCount`).
  public func query(_ rows: [Float], purpose: QueryPurpose = .other, samples: SampleAttribution = .none) throws -> OracleAnswer {
    try oracle.query(rows, client: client, purpose: purpose, samples: samples)
  }

  public var usage: ClientUsage { oracle.usage(of: client) }
  /// Rows this client may still have answered (nil: unlimited).
  public var remaining: Int? { usage.remaining }
}
