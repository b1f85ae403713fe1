import Foundation
import GauntletCore

/// Row limits. A batch that would cross a limit is **refused whole**: nothing is answered and
/// nothing is charged, and the oracle throws `GauntletError.budgetExhausted`. A client can always
/// spend its last rows with a smaller batch.
///
/// ```swift
/// let budget = QueryBudget(perClient: 10_000, global: 1_000_000)
/// ```
public struct QueryBudget: Sendable, Hashable {
  /// Rows each client may have answered (nil: unlimited). Override per client with
  /// `Oracle.setLimit(_:for:)`.
  public var perClient: Int?
  /// Rows all clients together may have answered (nil: unlimited).
  public var global: Int?

  public init(perClient: Int? = nil, global: Int? = nil) {
    self.perClient = perClient; self.global = global
  }

  public static let unlimited = QueryBudget()

  func validate() throws {
    if let p = perClient, p < 0 {
      throw GauntletError.invalidArgument(name: "perClient", detail: "budget must be ≥ 0, got \(p)")
    }
    if let g = global, g < 0 {
      throw GauntletError.invalidArgument(name: "global", detail: "budget must be ≥ 0, got \(g)")
    }
  }
}

/// A per-client token bucket on the simulated clock: the bucket holds at most `burst` rows and
/// refills at `rowsPerSecond`; a batch of `n` rows takes `n` tokens.
///
/// Deterministic: time is `SimulatedClock.now`, never the wall clock.
public struct RateLimit: Sendable, Hashable {
  /// What happens when the bucket holds fewer tokens than the batch needs.
  public enum Policy: String, Sendable, Hashable {
    /// Refuse the batch whole with `GauntletError.budgetExhausted` (`limit` = `burst`,
    /// `used` = tokens missing); nothing is charged. A batch larger than `burst` is always refused.
    case reject
    /// Answer, and move the client's own simulated time forward until the bucket would have held
    /// enough tokens (`ClientUsage.simulatedWait` accumulates the wait). Models a patient attacker.
    case delay
  }
  public var rowsPerSecond: Double
  public var burst: Int
  public var policy: Policy

  public init(rowsPerSecond: Double, burst: Int, policy: Policy = .reject) {
    self.rowsPerSecond = rowsPerSecond; self.burst = burst; self.policy = policy
  }

  func validate() throws {
    guard rowsPerSecond.isFinite, rowsPerSecond > 0 else {
      throw GauntletError.invalidArgument(name: "rowsPerSecond", detail: "must be finite and > 0, got \(rowsPerSecond)")
    }
    guard burst >= 1 else {
      throw GauntletError.invalidArgument(name: "burst", detail: "must be ≥ 1, got \(burst)")
    }
  }
}

/// The bucket's state for one client.
struct TokenBucket: Sendable {
  var tokens: Double
  var last: Double
}

/// A deterministic clock in seconds that only moves when told to. Shared by an oracle, its rate
/// limit and its monitors; thread-safe.
///
/// ```swift
/// let clock = SimulatedClock()
/// clock.advance(by: 0.5)
/// clock.now   // 0.5
/// ```
public final class SimulatedClock: @unchecked Sendable {
  // Safe: `time` is only touched under `lock`.
  private let lock = NSLock()
  private var time: Double

  public init(start: Double = 0) { time = start }

  public var now: Double { lock.withLock { time } }

  /// Moves time forward by `seconds` (negative or non-finite values are ignored).
  public func advance(by seconds: Double) {
    guard seconds.isFinite, seconds > 0 else { return }
    lock.withLock { time += seconds }
  }

  /// Sets the time; it never goes backwards (an earlier value is ignored).
  public func set(to seconds: Double) {
    guard seconds.isFinite else { return }
    lock.withLock { time = Swift.max(time, seconds) }
  }
}
