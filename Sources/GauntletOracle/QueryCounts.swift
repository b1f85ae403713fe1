/// Rows answered, split by purpose.
public struct PurposeCounts: Sendable, Hashable, Codable {
  public var loss: Int = 0
  public var successCheck: Int = 0
  public var other: Int = 0
  public init(loss: Int = 0, successCheck: Int = 0, other: Int = 0) {
    self.loss = loss; self.successCheck = successCheck; self.other = other
  }
  /// All answered rows.
  public var total: Int { loss + successCheck + other }

  public subscript(purpose: QueryPurpose) -> Int {
    get {
      switch purpose {
      case .loss: return loss
      case .successCheck: return successCheck
      case .other: return other
      }
    }
    set {
      switch purpose {
      case .loss: loss = newValue
      case .successCheck: successCheck = newValue
      case .other: other = newValue
      }
    }
  }
}

/// One client's standing with an oracle (a snapshot).
public struct ClientUsage: Sendable, Hashable {
  public var client: String
  /// Rows that were admitted (charged), by purpose. `answered.total` is what the budget counts.
  public var answered = PurposeCounts()
  /// Admitted batches.
  public var batches = 0
  /// Rows of batches rejected by input validation (not charged).
  public var rejectedRows = 0
  /// Rows of batches refused by the budget or the rate limit (not charged).
  public var refusedRows = 0
  /// Rows per attack sample (only for rows sent with a `SampleAttribution`).
  public var perSample: [Int: PurposeCounts] = [:]
  /// The client's row limit (nil: none), after any revocation by a monitor.
  public var limit: Int?
  /// Rows left under `limit` (and under the global budget, if any).
  public var remaining: Int?
  /// Alarms monitors raised for this client.
  public var alarms: [MonitorAlarm] = []
  /// Simulated seconds the client spent waiting on the rate limit (`RateLimit.Policy.delay`).
  public var simulatedWait: Double = 0

  public init(client: String) { self.client = client }
  /// Whether any monitor flagged the client.
  public var flagged: Bool { !alarms.isEmpty }
}
