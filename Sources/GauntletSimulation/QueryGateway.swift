import Dispatch
import Foundation
import GauntletCore

/// Where attacker threads hand their rows to the simulation loop and wait for the answer: the
/// batching facade that coalesces many clients' rows into one backend batch.
///
/// Each attacker runs its attack to completion on its own thread; its model calls arrive here.
/// The loop waits until every attacker is either waiting here or finished (`quiescent`), answers
/// all waiting requests inside one batch, then lets them go. Because every attacker submits
/// exactly one request per round and the loop takes them in slot order, the run is deterministic.
final class QueryGateway: @unchecked Sendable {
  // Safe: `pending`, `finished` and `closed` are only touched under `cond`.
  final class Request: @unchecked Sendable {
    // Safe: `result` is written by the loop before `done.signal()` and read after `done.wait()`.
    let slot: Int
    let rows: [Float]
    var result: Result<[Float], Error>?
    let done = DispatchSemaphore(value: 0)
    init(slot: Int, rows: [Float]) { self.slot = slot; self.rows = rows }
  }

  private let cond = NSCondition()
  private var pending: [Int: Request] = [:]
  private var finished = Set<Int>()
  private var closed = false
  let attackers: Int

  init(attackers: Int) { self.attackers = attackers }

  /// Called on an attacker thread: blocks until the loop answers `rows` (raw logits back).
  func submit(slot: Int, rows: [Float]) throws -> [Float] {
    let req = Request(slot: slot, rows: rows)
    cond.lock()
    if closed {
      cond.unlock()
      throw GauntletError.budgetExhausted(client: "(simulation)", limit: 0, requested: rows.count, used: 0)
    }
    guard pending[slot] == nil else {
      cond.unlock()
      throw GauntletError.unsupported(operation: "concurrent queries from one simulated client (slot \(slot))", backend: "simulation")
    }
    pending[slot] = req
    cond.signal()
    cond.unlock()
    req.done.wait()
    return try req.result!.get()
  }

  /// Called when an attacker thread ends.
  func finish(slot: Int) {
    cond.lock(); finished.insert(slot); cond.signal(); cond.unlock()
  }

  /// Waits until every attacker is waiting or finished; returns the waiting requests in slot order.
  func quiescent() -> [Request] {
    cond.lock()
    while pending.count + finished.count < attackers { cond.wait() }
    let out = pending.keys.sorted().map { pending[$0]! }
    pending.removeAll(keepingCapacity: true)
    cond.unlock()
    return out
  }

  /// Whether the simulation has ended (later requests are refused).
  var isClosed: Bool { cond.lock(); defer { cond.unlock() }; return closed }

  var allFinished: Bool { cond.lock(); defer { cond.unlock() }; return finished.count == attackers }

  /// Refuses every later request, answers the waiting ones with a refusal, and waits for every
  /// attacker to end.
  func closeAndDrain(_ waiting: [Request]) {
    cond.lock(); closed = true; cond.unlock()
    var reqs = waiting
    while true {
      for r in reqs {
        r.result = .failure(GauntletError.budgetExhausted(client: "(simulation)", limit: 0, requested: r.rows.count, used: 0))
        r.done.signal()
      }
      if allFinished { return }
      reqs = quiescent()
    }
  }
}
