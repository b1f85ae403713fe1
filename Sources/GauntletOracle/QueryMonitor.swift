/// One admitted batch as a monitor sees it.
public struct MonitoredBatch: Sendable {
  public let client: String
  /// Queries, row-major `rows × featureCount`, on the host.
  public let inputs: [Float]
  public let featureCount: Int
  /// The labels the deployment revealed for the rows (after the defense chain).
  public let labels: [Int32]
  /// The client's 0-based index of the batch's first row (rows answered to it before this batch).
  public let firstQueryIndex: Int
  /// Simulated time of the batch (the client's own time under `RateLimit.Policy.delay`).
  public let time: Double

  public init(client: String, inputs: [Float], featureCount: Int, labels: [Int32], firstQueryIndex: Int, time: Double) {
    self.client = client; self.inputs = inputs; self.featureCount = featureCount
    self.labels = labels; self.firstQueryIndex = firstQueryIndex; self.time = time
  }

  public var rows: Int { labels.count }

  /// Row `r` of `inputs`.
  public func row(_ r: Int) -> ArraySlice<Float> { inputs[(r * featureCount)..<((r + 1) * featureCount)] }
}

/// A monitor's verdict that a client looks like an attacker.
public struct MonitorAlarm: Sendable, Hashable, Codable {
  /// The monitor's name (`QueryMonitor.name`).
  public let monitor: String
  public let client: String
  /// The client's 0-based index of the query that raised the alarm; `queryIndex + 1` queries had
  /// been answered when it was flagged (the detection delay).
  public let queryIndex: Int
  public let time: Double
  /// The test statistic that crossed its threshold (Shapiro–Wilk W, k-NN distance, rate…).
  public let statistic: Double
  public let detail: String

  public init(monitor: String, client: String, queryIndex: Int, time: Double, statistic: Double, detail: String) {
    self.monitor = monitor; self.client = client; self.queryIndex = queryIndex
    self.time = time; self.statistic = statistic; self.detail = detail
  }
}

/// What the oracle does when a monitor raises an alarm.
public enum MonitorAction: String, Sendable, Hashable {
  /// Record the alarm (`Oracle.usage(of:).alarms`) and keep answering.
  case record
  /// Record it and revoke the client's remaining budget: later batches are refused with
  /// `budgetExhausted` (limit = rows answered so far).
  case revokeBudget
}

/// A stateful detector watching each client's query stream (PRADA, stateful k-NN, rate anomaly…).
///
/// The oracle calls `observe` once per admitted batch, after answering it. Implementations keep
/// per-client state, must be thread-safe (batches from different clients, and from one client,
/// may arrive concurrently), and must bound their memory per client (document the bound).
/// Implementations live in `GauntletDefenses`.
public protocol QueryMonitor: AnyObject, Sendable {
  /// Short name, e.g. `"prada"`.
  var name: String { get }
  /// Looks at a batch; returns the alarms it raised (usually at most one per batch).
  func observe(_ batch: MonitoredBatch) -> [MonitorAlarm]
  /// Forgets everything about `client`.
  func reset(client: String)
}
