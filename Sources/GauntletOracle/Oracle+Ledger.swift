import Foundation
import GauntletCore

/// Per-client ledger entry (guarded by `Oracle.lock`).
struct ClientState {
  var usage: ClientUsage
  var bucket: TokenBucket?
  /// The client's own simulated time under `RateLimit.Policy.delay`.
  var virtualTime: Double = -.infinity
}

/// A refused batch: its sequence number, the client's answered rows, and the error to throw.
struct Refusal: Error {
  let sequence: Int
  let answered: Int
  let error: GauntletError
}

/// What admission granted a batch.
struct Admission {
  let sequence: Int
  let firstQueryIndex: Int
  let time: Double
}

extension Oracle {
  /// Caller holds `lock`.
  func newClient(_ client: String) -> ClientState {
    var u = ClientUsage(client: client)
    u.limit = configuration.budget.perClient
    return ClientState(usage: u)
  }

  /// Caller holds `lock`.
  func snapshot(_ client: String) -> ClientUsage {
    var u = clients[client]?.usage ?? newClient(client).usage
    var rem: Int? = u.limit.map { Swift.max(0, $0 - u.answered.total) }
    if let g = configuration.budget.global {
      let left = Swift.max(0, g - globalUsed)
      rem = Swift.min(rem ?? left, left)
    }
    u.remaining = rem
    return u
  }

  /// Charges the batch or refuses it whole. Throws `budgetExhausted` on refusal (after logging it).
  func admit(client: String, rows: Int, purpose: QueryPurpose, samples: SampleAttribution) throws -> Admission {
    let outcome: Result<Admission, Refusal> = lock.withLock {
      var st = clients[client] ?? newClient(client)
      defer { clients[client] = st }
      sequence += 1
      let seq = sequence
      let used = st.usage.answered.total
      func refuse(_ e: GauntletError) -> Result<Admission, Refusal> {
        st.usage.refusedRows += rows
        return .failure(Refusal(sequence: seq, answered: used, error: e))
      }
      if let lim = st.usage.limit, used + rows > lim {
        return refuse(.budgetExhausted(client: client, limit: lim, requested: rows, used: used))
      }
      if let g = configuration.budget.global, globalUsed + rows > g {
        return refuse(.budgetExhausted(client: "(global)", limit: g, requested: rows, used: globalUsed))
      }
      var time = configuration.clock.now
      if let rl = configuration.rateLimit {
        let t = Swift.max(time, st.virtualTime)
        var b = st.bucket ?? TokenBucket(tokens: Double(rl.burst), last: t)
        if t > b.last {
          b.tokens = Swift.min(Double(rl.burst), b.tokens + (t - b.last) * rl.rowsPerSecond)
          b.last = t
        }
        let need = Double(rows)
        if b.tokens >= need {
          b.tokens -= need
          time = t
        } else if rl.policy == .reject {
          st.bucket = b
          return refuse(.budgetExhausted(client: client, limit: rl.burst, requested: rows,
                                         used: rl.burst - Int(b.tokens.rounded(.down))))
        } else {
          let wait = (need - b.tokens) / rl.rowsPerSecond
          b.tokens = 0
          b.last = t + wait
          st.virtualTime = t + wait
          st.usage.simulatedWait += wait
          time = t + wait
        }
        st.bucket = b
      }
      st.usage.answered[purpose] += rows
      st.usage.batches += 1
      charge(&st.usage.perSample, samples, rows: rows, purpose: purpose)
      globalUsed += rows
      return .success(Admission(sequence: seq, firstQueryIndex: used, time: time))
    }
    switch outcome {
    case let .success(a): return a
    case let .failure(r):
      try? log(AuditRecord(sequence: r.sequence, client: client, purpose: purpose, rows: rows,
                           firstQueryIndex: r.answered, time: configuration.clock.now,
                           outcome: .refused, detail: r.error.description))
      throw r.error
    }
  }

  private func charge(_ table: inout [Int: PurposeCounts], _ samples: SampleAttribution, rows: Int, purpose: QueryPurpose) {
    switch samples {
    case .none: return
    case let .sample(id): table[id, default: PurposeCounts()][purpose] += rows
    case let .perRow(ids): for id in ids { table[id, default: PurposeCounts()][purpose] += 1 }
    case let .contiguous(first, per):
      for s in 0..<(rows / per) { table[first + s, default: PurposeCounts()][purpose] += per }
    }
  }

  /// Counts a batch rejected by validation (not charged) and logs it.
  func reject(client: String, rows: Int, purpose: QueryPurpose, error: Error) {
    let (seq, answered): (Int, Int) = lock.withLock {
      var st = clients[client] ?? newClient(client)
      st.usage.rejectedRows += rows
      clients[client] = st
      sequence += 1
      return (sequence, st.usage.answered.total)
    }
    try? log(AuditRecord(sequence: seq, client: client, purpose: purpose, rows: rows, firstQueryIndex: answered,
                         time: configuration.clock.now, outcome: .rejected, detail: "\(error)"))
  }

  /// Records monitor alarms (and revokes the budget when configured to).
  func record(alarms: [MonitorAlarm], client: String) {
    guard !alarms.isEmpty else { return }
    lock.withLock {
      var st = clients[client] ?? newClient(client)
      st.usage.alarms += alarms
      if configuration.monitorAction == .revokeBudget {
        st.usage.limit = Swift.min(st.usage.limit ?? .max, st.usage.answered.total)
      }
      clients[client] = st
    }
  }

  /// Appends to the audit log, if any.
  func log(_ record: AuditRecord) throws {
    try configuration.auditLog?.append(record)
  }
}
