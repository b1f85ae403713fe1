import GauntletOracle

/// The simulator's bounded per-client state: a few counters and one RNG word, whatever the
/// number of queries (monitors keep their own bounded state, see their documentation).
struct ClientRecord {
  let name: String
  let kind: ClientKind
  /// SplitMix64 state of a benign client's query stream.
  var rng: UInt64
  var answered = 0
  var correct = 0
  var correctUndefended = 0
  var flaggedAt: Int?
  var flaggedBy: String?
  var alarms = 0
  var exhausted = false

  init(name: String, kind: ClientKind, rng: UInt64) { self.name = name; self.kind = kind; self.rng = rng }

  /// Notes alarms raised on this client's rows.
  mutating func note(_ found: [MonitorAlarm]) {
    guard !found.isEmpty else { return }
    alarms += found.count
    if flaggedAt == nil, let first = found.min(by: { $0.queryIndex < $1.queryIndex }) {
      flaggedAt = first.queryIndex; flaggedBy = first.monitor
    }
  }
}
