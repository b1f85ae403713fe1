import GauntletCore

/// The unlabelled (or coarsely labelled) inputs a thief owns: the pool extraction attacks query
/// from. Row-major host rows of `featureCount` values, inside the oracle's input box.
///
/// `groups` (optional, one per row) are the thief's own coarse labels — Knockoff Nets' adaptive
/// strategy uses them as bandit arms (the paper uses the thief set's label hierarchy); the victim's
/// labels are never part of thief data.
///
/// ```swift
/// let thief = try ThiefData(features: train.features, featureCount: 64)
/// ```
public struct ThiefData: Sendable {
  public var features: [Float]
  public var featureCount: Int
  public var groups: [Int32]?
  /// What the data is (for reports): "digits-train", "noise", "mixup"…
  public var name: String

  public init(features: [Float], featureCount: Int, groups: [Int32]? = nil, name: String = "thief") throws {
    guard featureCount > 0, !features.isEmpty, features.count % featureCount == 0 else {
      throw GauntletError.shapeMismatch(operation: "ThiefData",
                                        detail: "\(features.count) values are not a non-empty whole number of rows of \(featureCount) features")
    }
    if let g = groups {
      guard g.count == features.count / featureCount, g.allSatisfy({ $0 >= 0 }) else {
        throw GauntletError.shapeMismatch(operation: "ThiefData", detail: "\(g.count) groups (each ≥ 0) for \(features.count / featureCount) rows")
      }
    }
    guard features.allSatisfy({ $0.isFinite }) else {
      throw GauntletError.nonFinite(context: "ThiefData.features", index: features.firstIndex { !$0.isFinite } ?? 0)
    }
    self.features = features; self.featureCount = featureCount; self.groups = groups; self.name = name
  }

  public var count: Int { features.count / featureCount }

  /// Rows `idx`, concatenated.
  public func rows(_ idx: [Int]) -> [Float] {
    var out = [Float](); out.reserveCapacity(idx.count * featureCount)
    for i in idx { out += features[(i * featureCount)..<((i + 1) * featureCount)] }
    return out
  }

  /// The same pool with `groups` set to `clusters` k-means clusters (Lloyd, seeded): bandit arms
  /// for Knockoff's adaptive strategy when the thief has no labels of its own.
  public func clustered(_ clusters: Int, seed: UInt64 = 0) throws -> ThiefData {
    guard clusters >= 1 else { throw GauntletError.invalidArgument(name: "clusters", detail: "must be ≥ 1, got \(clusters)") }
    var t = self
    t.groups = KMeans.assign(self, clusters: clusters, seed: seed).map { Int32($0) }
    return t
  }

  /// `count` rows uniform in `box`, seeded (Philox).
  public static func uniform(count: Int, featureCount: Int, box: ClosedRange<Float>, seed: UInt64) throws -> ThiefData {
    guard count > 0 else { throw GauntletError.invalidArgument(name: "count", detail: "must be > 0, got \(count)") }
    let u = Philox.fill(.uniform(lo: box.lowerBound, hi: box.upperBound), key: PhiloxKey(seed: seed, stream: 0x7E1F), counter: 0,
                        count: count * featureCount)
    return try ThiefData(features: u.map { min(max($0, box.lowerBound), box.upperBound) }, featureCount: featureCount, name: "uniform")
  }
}
