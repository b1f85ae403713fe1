import GauntletCore

/// What an oracle tells each defense once, when it is built.
public struct DefenseSetup: Sendable {
  /// The backend the model (and every score tensor) lives on.
  public let backend: Backend
  public let classCount: Int
  /// Shape of one input sample.
  public let inputShape: [Int]
  public var featureCount: Int { inputShape.reduce(1, *) }

  public init(backend: Backend, classCount: Int, inputShape: [Int]) {
    self.backend = backend; self.classCount = classCount; self.inputShape = inputShape
  }
}

/// A transformation of the model's output that a deployment applies before answering (rounding,
/// noise, poisoning, watermarking…).
///
/// Contract:
/// - `apply` acts on every row of the batch, independently of the batch's size and of the other
///   rows: a row sent alone gets the same answer as the same row inside any batch.
/// - Randomised defenses draw their randomness from the row's content, never from a running
///   counter: `PhiloxKey(seed: <defense key>, stream: batch.rowKeys[r])` (set `usesRowKeys`), so
///   repeating a query gives the same answer and averaging repeats gains an attacker nothing.
/// - Defenses never see the model itself: only its logits for the batch (`DefenseBatch`).
///
/// Implementations live in `GauntletDefenses`; `DefenseChain(parsing:)` there builds them from text.
public protocol OutputDefense: Sendable {
  /// Canonical text form, e.g. `"round:decimals=2"`; parsing it gives an equivalent defense.
  /// Secret keys appear as a `key=` parameter (masked by `DefenseChain.redactedSpec`).
  var spec: String { get }
  /// Whether `apply` reads `DefenseBatch.rowKeys` (the oracle hashes rows only when some defense does).
  var usesRowKeys: Bool { get }
  /// Whether the defense promises to leave each row's top-1 label unchanged.
  var preservesArgmax: Bool { get }
  /// Checks the defense against the deployment (class count, backend of a surrogate…).
  func prepare(_ setup: DefenseSetup) throws
  /// Transforms the batch's scores in place.
  func apply(to batch: inout DefenseBatch) throws
}

extension OutputDefense {
  public var usesRowKeys: Bool { false }
  public var preservesArgmax: Bool { false }
  public func prepare(_ setup: DefenseSetup) throws {}
}

/// Which space `DefenseBatch`'s current scores are in.
public enum ScoreSpace: String, Sendable, Hashable, CaseIterable {
  case logits, probabilities
}

/// The state a defense chain transforms: one batch of queries and the scores to be revealed.
///
/// Scores start as the model's logits; `probabilities()` / `logits()` convert on the backend when
/// a defense needs the other space (softmax; `log(max(p, 1e-30))` back).
public struct DefenseBatch {
  public let backend: Backend
  /// The client who sent the batch.
  public let client: String
  public let rows: Int
  public let classCount: Int
  /// The queries as sent, `[rows] + inputShape`, on `backend`.
  public let inputs: Tensor
  /// Host copy of the queries, row-major `rows × featureCount`.
  public let hostInputs: [Float]
  public let featureCount: Int
  /// `RowHash` of each row's content (equal rows, equal keys). Filled when some defense in the
  /// chain has `usesRowKeys`; empty otherwise.
  public let rowKeys: [UInt64]
  /// The model's own logits for the batch, `[rows, classCount]` (read-only: defenses replace scores).
  public let modelLogits: Tensor
  /// Set by a defense that reveals labels only (`OracleAnswer.scores` becomes nil).
  public var labelOnly = false
  public private(set) var space: ScoreSpace
  public private(set) var scores: Tensor

  /// Floor applied before `log` when probabilities are turned back into logits.
  public static let logFloor: Float = 1e-30

  public init(backend: Backend, client: String, inputs: Tensor, hostInputs: [Float], featureCount: Int,
              rowKeys: [UInt64], modelLogits: Tensor) {
    self.backend = backend; self.client = client
    self.rows = modelLogits.rows; self.classCount = modelLogits.cols
    self.inputs = inputs; self.hostInputs = hostInputs; self.featureCount = featureCount
    self.rowKeys = rowKeys; self.modelLogits = modelLogits
    self.space = .logits; self.scores = modelLogits
  }

  public var count: Int { rows * classCount }

  /// The current scores as probability rows (converting with a softmax if they are logits).
  public mutating func probabilities() throws -> Tensor {
    if space == .logits {
      let p = try backend.makeBuffer(count: count)
      try backend.rows(.softmax, scores.buffer, into: p, rows: rows, cols: classCount)
      scores = try Tensor(buffer: p, shape: [rows, classCount], on: backend)
      space = .probabilities
    }
    return scores
  }

  /// The current scores as logits (log-probabilities, floored at `logFloor`, if they are probabilities).
  public mutating func logits() throws -> Tensor {
    if space == .probabilities {
      let z = try backend.makeBuffer(count: count)
      try backend.unary(.clamp(lo: Self.logFloor, hi: 1), scores.buffer, into: z, count: count)
      try backend.unary(.log, z, into: z, count: count)
      scores = try Tensor(buffer: z, shape: [rows, classCount], on: backend)
      space = .logits
    }
    return scores
  }

  /// Replaces the scores with probability rows `[rows, classCount]`.
  public mutating func setProbabilities(_ p: Tensor) throws {
    try check(p); scores = p; space = .probabilities
  }

  /// Replaces the scores with logits `[rows, classCount]`.
  public mutating func setLogits(_ z: Tensor) throws {
    try check(z); scores = z; space = .logits
  }

  /// Host copy of the current probabilities, row-major.
  public mutating func hostProbabilities() throws -> [Float] { try probabilities().toArray() }

  /// Uploads host probability rows as the new scores.
  public mutating func setHostProbabilities(_ values: [Float]) throws {
    try setProbabilities(Tensor(values, shape: [rows, classCount], on: backend))
  }

  private func check(_ t: Tensor) throws {
    guard t.rows == rows, t.cols == classCount, t.backend === backend else {
      throw GauntletError.shapeMismatch(
        operation: "DefenseBatch", detail: "scores must be [\(rows), \(classCount)] on \(backend.name), got \(t.shape) on \(t.backend.name)")
    }
  }
}

/// An ordered list of output defenses, applied first to last.
///
/// ```swift
/// let chain = try DefenseChain(parsing: "round:2,topk:3")   // GauntletDefenses
/// chain.spec   // "round:decimals=2,topk:k=3"
/// ```
public struct DefenseChain: Sendable {
  public var defenses: [any OutputDefense]
  public init(_ defenses: [any OutputDefense] = []) { self.defenses = defenses }

  /// Canonical text of the chain (each defense's `spec`, joined by `,`); `"none"` when empty.
  public var spec: String { defenses.isEmpty ? "none" : defenses.map(\.spec).joined(separator: ",") }
  /// `spec` with every `key=` value replaced by `<secret>`.
  public var redactedSpec: String {
    spec.split(separator: ",", omittingEmptySubsequences: false)
      .map { $0.hasPrefix("key=") ? "key=<secret>" : String($0) }
      .joined(separator: ",")
  }
  public var isEmpty: Bool { defenses.isEmpty }
  public var usesRowKeys: Bool { defenses.contains { $0.usesRowKeys } }
  /// Whether every defense promises to keep the top-1 label.
  public var preservesArgmax: Bool { defenses.allSatisfy { $0.preservesArgmax } }

  public func prepare(_ setup: DefenseSetup) throws {
    for d in defenses { try d.prepare(setup) }
  }

  public func apply(to batch: inout DefenseBatch) throws {
    for d in defenses { try d.apply(to: &batch) }
  }
}
