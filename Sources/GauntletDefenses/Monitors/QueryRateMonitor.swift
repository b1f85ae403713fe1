import Foundation
import GauntletCore
import GauntletOracle

/// Flags clients whose query rate is anomalous: more than `maxRows` rows within any `window`
/// simulated seconds. Counts are kept in `buckets` time slots of width `window/buckets` (the
/// window is measured to that granularity), so state per client is `buckets` integers. One alarm
/// per episode: the client re-arms once its windowed count is back under the limit.
public final class QueryRateMonitor: QueryMonitor, @unchecked Sendable {
  // Safe: per-client state lives in `clients` (a lock per client); the rest is immutable.
  public let name = "query-rate"
  public let window: Double
  public let maxRows: Int
  public let buckets: Int
  private struct State {
    var slot = Int.min
    var counts: [Int] = []
    var flagged = false
  }
  private let clients = ClientStates { State() }

  public init(window: Double, maxRows: Int, buckets: Int = 60) throws {
    guard window.isFinite, window > 0 else {
      throw GauntletError.invalidArgument(name: "query-rate.window", detail: "must be finite and > 0 seconds, got \(window)")
    }
    guard maxRows >= 1, buckets >= 1 else {
      throw GauntletError.invalidArgument(name: "query-rate", detail: "maxRows and buckets must be ≥ 1")
    }
    self.window = window; self.maxRows = maxRows; self.buckets = buckets
  }

  public func observe(_ batch: MonitoredBatch) -> [MonitorAlarm] {
    let s = (batch.time / (window / Double(buckets))).rounded(.down)
    let slot = s.isNaN ? 0 : Int(Swift.max(-1e15, Swift.min(1e15, s)))
    return clients.with(batch.client) { st in
      if st.slot == Int.min { st.slot = slot; st.counts = [Int](repeating: 0, count: buckets) }
      let gap = slot - st.slot
      if gap >= buckets { st.counts = [Int](repeating: 0, count: buckets) } else if gap > 0 {
        for s in (st.slot + 1)...slot { st.counts[((s % buckets) + buckets) % buckets] = 0 }
      }
      if gap > 0 { st.slot = slot }
      st.counts[((st.slot % buckets) + buckets) % buckets] += batch.rows
      let total = st.counts.reduce(0, +)
      var alarms: [MonitorAlarm] = []
      if total > maxRows {
        if !st.flagged {
          st.flagged = true
          // the row that crossed the limit
          let before = total - batch.rows
          alarms.append(MonitorAlarm(monitor: name, client: batch.client,
                                     queryIndex: batch.firstQueryIndex + Swift.max(0, maxRows - before),
                                     time: batch.time, statistic: Double(total),
                                     detail: "\(total) rows within \(window) s > \(maxRows)"))
        }
      } else {
        st.flagged = false
      }
      return alarms
    }
  }

  public func reset(client: String) { clients.remove(client) }
}
