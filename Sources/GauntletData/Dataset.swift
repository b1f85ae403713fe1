import GauntletCore

/// A labelled classification dataset held on the host: `count` samples, each `featureCount`
/// floats (row-major, one sample per row) shaped `sampleShape` (NCHW per sample for images,
/// e.g. `[1, 8, 8]`; `[d]` for flat features), and a class index in `0..<classCount`.
///
/// ```swift
/// let (train, test) = try Datasets.digitsTrainTest()
/// let (x, y) = train.batch(0 ..< 64)    // 64 × 64 floats, 64 labels
/// ```
public struct Dataset: Sendable {
  public var features: [Float]
  public var labels: [Int32]
  public var sampleShape: [Int]
  public var classCount: Int
  public var name: String

  /// Number of samples.
  public var count: Int { labels.count }
  /// Floats per sample: the product of `sampleShape`.
  public var featureCount: Int { sampleShape.reduce(1, *) }

  /// A validated dataset: `sampleShape` non-empty with positive dimensions, `features.count ==
  /// labels.count × featureCount`, every feature finite, every label in `0..<classCount`.
  public init(name: String, features: [Float], labels: [Int32], sampleShape: [Int], classCount: Int) throws {
    let op = "Dataset '\(name)'"
    guard !sampleShape.isEmpty, sampleShape.allSatisfy({ $0 > 0 }), let per = ShapeMath.count(sampleShape) else {
      throw GauntletError.shapeMismatch(operation: op, detail: "sampleShape \(sampleShape) must be non-empty with positive dimensions")
    }
    guard classCount >= 1 else {
      throw GauntletError.invalidArgument(name: "classCount", detail: "must be ≥ 1, got \(classCount)")
    }
    guard let expected = ShapeMath.bytes(labels.count, per), features.count == expected else {
      throw GauntletError.shapeMismatch(
        operation: op, detail: "\(features.count) features for \(labels.count) samples of shape \(sampleShape) (needs \(labels.count * per))")
    }
    try features.withUnsafeBufferPointer { try Validate.finite($0, "\(op) features") }
    try Validate.indices(labels, below: classCount, op)
    self.name = name; self.features = features; self.labels = labels
    self.sampleShape = sampleShape; self.classCount = classCount
  }

  /// The samples at `indices`, in that order (repeats allowed); throws on an index out of range.
  public func subset(_ indices: [Int]) throws -> Dataset {
    let per = featureCount
    var f: [Float] = []
    f.reserveCapacity(indices.count * per)
    var l: [Int32] = []
    l.reserveCapacity(indices.count)
    for (k, i) in indices.enumerated() {
      guard i >= 0, i < count else {
        throw GauntletError.invalidArgument(name: "indices[\(k)]", detail: "\(i) is outside 0..<\(count) in Dataset '\(name)'")
      }
      f += features[i * per ..< (i + 1) * per]
      l.append(labels[i])
    }
    return try Dataset(name: name, features: f, labels: l, sampleShape: sampleShape, classCount: classCount)
  }

  /// Features and labels of the samples in `indices`, clamped to `0..<count` (so the last,
  /// shorter batch of an epoch needs no special case; an empty range gives empty arrays).
  public func batch(_ indices: Range<Int>) -> (features: [Float], labels: [Int32]) {
    let per = featureCount
    // Also bounded by `features.count`, in case the public fields were edited inconsistently.
    let n = per > 0 ? min(count, features.count / per) : 0
    let lo = min(max(indices.lowerBound, 0), n), hi = min(max(indices.upperBound, lo), n)
    return (Array(features[lo * per ..< hi * per]), Array(labels[lo ..< hi]))
  }

  /// Samples per class, indexed by class (labels outside `0..<classCount` are not counted).
  public var classCounts: [Int] {
    var c = [Int](repeating: 0, count: classCount)
    for l in labels where l >= 0 && Int(l) < classCount { c[Int(l)] += 1 }
    return c
  }
}
