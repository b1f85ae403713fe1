import Foundation
import GauntletCore

/// What the deployment revealed for one batch.
public struct OracleAnswer: Sendable {
  /// The form of `scores` (`.label` when the mode or a label-only defense withheld scores).
  public let mode: OutputMode
  public let rows: Int
  public let classCount: Int
  /// Predicted label of each row: argmax of the revealed (defended) scores, ties to the lowest index.
  public let labels: [Int32]
  /// `[rows, classCount]` on the model's backend: probabilities, logits or masked top-k
  /// probabilities per `mode`; nil for `.label`.
  public let scores: Tensor?
  /// The client's 0-based index of the first row; row `r` is the client's query `firstQueryIndex + r`.
  public let firstQueryIndex: Int

  public init(mode: OutputMode, rows: Int, classCount: Int, labels: [Int32], scores: Tensor?, firstQueryIndex: Int) {
    self.mode = mode; self.rows = rows; self.classCount = classCount; self.labels = labels
    self.scores = scores; self.firstQueryIndex = firstQueryIndex
  }

  /// The answer as probability rows on the host, whatever was revealed: probabilities as they are,
  /// logits through a softmax, top-k rows renormalised by their sum (all-zero rows stay zero),
  /// labels as one-hot rows. What an extraction attack trains on.
  public func distributionRows() throws -> [Float] {
    let K = classCount
    switch mode {
    case .label:
      var q = [Float](repeating: 0, count: rows * K)
      for (r, l) in labels.enumerated() { q[r * K + Int(l)] = 1 }
      return q
    case .logits:
      var z = try scoreArray()
      for r in 0..<rows {
        let m = z[(r * K)..<((r + 1) * K)].max() ?? 0
        var s: Float = 0
        for j in 0..<K { z[r * K + j] = Foundation.exp(z[r * K + j] - m); s += z[r * K + j] }
        for j in 0..<K { z[r * K + j] /= s }
      }
      return z
    case .probabilities, .topK:
      var q = try scoreArray()
      for r in 0..<rows {
        let s = q[(r * K)..<((r + 1) * K)].reduce(0, +)
        if s > 0 { for j in 0..<K { q[r * K + j] /= s } }
      }
      return q
    }
  }

  /// Host copy of `scores`, row-major; throws when the deployment revealed labels only.
  public func scoreArray() throws -> [Float] {
    guard let s = scores else {
      throw GauntletError.unsupported(operation: "scores of a label-only answer", backend: "oracle")
    }
    return try s.toArray()
  }
}

/// How an oracle is deployed.
///
/// ```swift
/// var config = OracleConfiguration(mode: .probabilities)
/// config.defenses = try DefenseChain(parsing: "round:2")
/// config.budget = QueryBudget(perClient: 10_000)
/// config.inputBounds = 0...1
/// ```
public struct OracleConfiguration: Sendable {
  public var mode: OutputMode
  public var defenses: DefenseChain
  public var monitors: [any QueryMonitor]
  public var monitorAction: MonitorAction
  public var budget: QueryBudget
  public var rateLimit: RateLimit?
  /// The declared input box: every feature of every row must lie in it (else the batch is rejected).
  public var inputBounds: ClosedRange<Float>?
  public var auditLog: AuditLog?
  public var clock: SimulatedClock

  public init(mode: OutputMode = .probabilities, defenses: DefenseChain = DefenseChain(),
              monitors: [any QueryMonitor] = [], monitorAction: MonitorAction = .record,
              budget: QueryBudget = .unlimited, rateLimit: RateLimit? = nil,
              inputBounds: ClosedRange<Float>? = nil, auditLog: AuditLog? = nil,
              clock: SimulatedClock = SimulatedClock()) {
    self.mode = mode; self.defenses = defenses; self.monitors = monitors; self.monitorAction = monitorAction
    self.budget = budget; self.rateLimit = rateLimit; self.inputBounds = inputBounds
    self.auditLog = auditLog; self.clock = clock
  }
}
