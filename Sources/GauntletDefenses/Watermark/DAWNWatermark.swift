import Foundation
import GauntletCore
import GauntletOracle

/// DAWN: Dynamic Adversarial Watermarking of Neural Networks (Szyller, Atli, Marchal & Asokan,
/// ACM Multimedia 2021).
///
/// A keyed fraction `rate` of queries gets a deliberately wrong answer: row `x` is watermarked iff
/// `RowHash.unit(RowHash.hash(x, key: key)) < rate`, and its label becomes
/// `w = (c + 1 + h′ mod (K − 1)) mod K` (`c` the current label, `h′` a second keyed hash), by
/// swapping the probabilities of `c` and `w` (so probability, top-k and label answers all carry it).
/// Selection and label depend only on the row's bits and the secret key: repeats and duplicates
/// are treated alike, and a client cannot tell which answers are marked.
///
/// Watermarked rows are recorded per client (distinct rows only, at most
/// `maxRecordsPerClient`, oldest dropped first). `verify` then tests whether a suspect model
/// reproduces the wrong labels (a model trained on the marked answers learns them).
///
/// Spec: `dawn:rate=0.05,key=42` (alias `watermark`); place it last in the chain.
public final class DAWNWatermark: OutputDefense, @unchecked Sendable {
  // Safe: `records` and `seen` are only touched under `lock`; the rest is immutable.
  public let rate: Double
  public let key: UInt64
  public let maxRecordsPerClient: Int
  private let lock = NSLock()
  private var records: [String: [WatermarkRecord]] = [:]
  private var seen: [String: Set<UInt64>] = [:]
  private var featureCount = 0

  /// One watermarked query.
  public struct WatermarkRecord: Sendable, Hashable {
    public let input: [Float]
    /// The label the true model gave.
    public let trueLabel: Int32
    /// The altered label that was revealed.
    public let watermarkLabel: Int32
  }

  public init(rate: Double, key: UInt64, maxRecordsPerClient: Int = 10_000) throws {
    guard rate.isFinite, rate > 0, rate <= 0.5 else {
      throw GauntletError.invalidArgument(name: "dawn.rate", detail: "must be in (0, 0.5], got \(rate)")
    }
    guard maxRecordsPerClient >= 1 else {
      throw GauntletError.invalidArgument(name: "dawn.maxRecordsPerClient", detail: "must be ≥ 1, got \(maxRecordsPerClient)")
    }
    self.rate = rate; self.key = key; self.maxRecordsPerClient = maxRecordsPerClient
  }

  public var spec: String { "dawn:rate=\(rate),key=\(key)" }

  public func prepare(_ setup: DefenseSetup) throws {
    guard setup.classCount >= 2 else {
      throw GauntletError.invalidArgument(name: "dawn", detail: "watermarking needs ≥ 2 classes, got \(setup.classCount)")
    }
    lock.withLock { featureCount = setup.featureCount }
  }

  /// Whether the watermark alters the answer to `row` (the owner's view; needs the key).
  public func isMarked(_ row: ArraySlice<Float>) -> Bool { selection(row).marked }

  /// Whether a row is watermarked, and its second hash (for the altered label).
  func selection(_ row: ArraySlice<Float>) -> (marked: Bool, labelHash: UInt64) {
    let h = RowHash.hash(row, key: key)
    return (RowHash.unit(h) < rate, RowHash.mix(h ^ 0xDA57_1E57_0000_0001))
  }

  public func apply(to batch: inout DefenseBatch) throws {
    let K = batch.classCount, F = batch.featureCount
    var marked: [(row: Int, hash: UInt64)] = []
    for r in 0..<batch.rows {
      let s = selection(batch.hostInputs[(r * F)..<((r + 1) * F)])
      if s.marked { marked.append((r, s.labelHash)) }
    }
    guard !marked.isEmpty else { return }
    var p = try batch.hostProbabilities()
    var new: [WatermarkRecord] = []
    for (r, h) in marked {
      var c = 0
      for j in 1..<K where p[r * K + j] > p[r * K + c] { c = j }
      let w = (c + 1 + Int(h % UInt64(K - 1))) % K
      p.swapAt(r * K + c, r * K + w)
      if p[r * K + w] == p[r * K + c] { p[r * K + w] = p[r * K + w].nextUp }   // break an exact tie
      new.append(WatermarkRecord(input: Array(batch.hostInputs[(r * F)..<((r + 1) * F)]),
                                 trueLabel: Int32(c), watermarkLabel: Int32(w)))
    }
    try batch.setHostProbabilities(p)
    remember(new, client: batch.client)
  }

  private func remember(_ new: [WatermarkRecord], client: String) {
    lock.withLock {
      var list = records[client] ?? []
      var set = seen[client] ?? []
      for rec in new where set.insert(RowHash.hash(rec.input[...])).inserted { list.append(rec) }
      if list.count > maxRecordsPerClient {
        let drop = list.count - maxRecordsPerClient
        for rec in list.prefix(drop) { set.remove(RowHash.hash(rec.input[...])) }
        list.removeFirst(drop)
      }
      records[client] = list; seen[client] = set
    }
  }

  /// The watermarked queries answered to `client` (all clients when nil).
  public func records(for client: String? = nil) -> [WatermarkRecord] {
    lock.withLock {
      if let c = client { return records[c] ?? [] }
      return records.keys.sorted().flatMap { records[$0] ?? [] }
    }
  }

  /// Forgets the records of every client.
  public func clearRecords() { lock.withLock { records = [:]; seen = [:] } }
}
