import Dispatch
import GauntletOracle

/// The monitors' pass over one batch's benign rows, one `MonitoredBatch` per client segment,
/// clients in parallel. Started asynchronously, it overlaps the next batch's forward pass; the
/// loop waits for it before starting the next job, so each client's rows still reach the monitors
/// in order and the alarms are the same as when run inline.
final class MonitorJob: @unchecked Sendable {
  // Safe: `found` is written only inside `work` (each index by one iteration) and read after
  // `group.wait()`.
  struct Segment {
    let client: Int
    let name: String
    let firstQueryIndex: Int
    let start: Int
    let count: Int
  }
  let segments: [Segment]
  private var found: [[MonitorAlarm]]
  private let group = DispatchGroup()

  /// Starts observing `segments` of `rows` (row-major, `featureCount` wide) with their revealed `labels`.
  init(monitors: [any QueryMonitor], segments: [Segment], rows: [Float], labels: [Int32], featureCount F: Int,
       workers: Int, async: Bool) {
    self.segments = segments
    self.found = Array(repeating: [], count: segments.count)
    let work = { [self] in
      found.withUnsafeMutableBufferPointer { out in
        let w = Swift.max(1, Swift.min(workers, segments.count))
        DispatchQueue.concurrentPerform(iterations: w) { k in
          var i = k
          while i < segments.count {
            let s = segments[i]
            let mb = MonitoredBatch(client: s.name, inputs: Array(rows[(s.start * F)..<((s.start + s.count) * F)]),
                                    featureCount: F, labels: Array(labels[s.start..<(s.start + s.count)]),
                                    firstQueryIndex: s.firstQueryIndex, time: 0)
            out[i] = monitors.flatMap { $0.observe(mb) }
            i += w
          }
        }
      }
    }
    if async && !segments.isEmpty {
      group.enter()
      DispatchQueue.global().async { work(); self.group.leave() }
    } else if !segments.isEmpty {
      work()
    }
  }

  /// Waits for the pass; the alarms of each segment, in segment order.
  func wait() -> [[MonitorAlarm]] {
    group.wait()
    return found
  }
}
