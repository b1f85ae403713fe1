import Foundation

/// Per-client monitor state with one lock per client, so that different clients are monitored
/// in parallel while each client's batches are processed one at a time.
final class ClientStates<State>: @unchecked Sendable {
  // Safe: `boxes` is only touched under `lock`; each box's `value` only under the box's lock.
  private final class Box {
    let lock = NSLock()
    var value: State
    init(_ value: State) { self.value = value }
  }
  private let lock = NSLock()
  private var boxes: [String: Box] = [:]
  private let make: () -> State

  init(_ make: @escaping () -> State) { self.make = make }

  /// Runs `body` on `client`'s state (created on first use) under that client's lock.
  func with<R>(_ client: String, _ body: (inout State) throws -> R) rethrows -> R {
    let box = lock.withLock { () -> Box in
      if let b = boxes[client] { return b }
      let b = Box(make())
      boxes[client] = b
      return b
    }
    return try box.lock.withLock { try body(&box.value) }
  }

  /// Reads `client`'s state if it exists.
  func peek<R>(_ client: String, _ body: (State) -> R) -> R? {
    guard let box = lock.withLock({ boxes[client] }) else { return nil }
    return box.lock.withLock { body(box.value) }
  }

  func remove(_ client: String) { lock.withLock { boxes[client] = nil } }
}
