import GauntletCore

/// Accuracy, mean cross-entropy and confusion matrix of a classifier on a labelled set.
public struct EvaluationResult: Sendable, Codable, Hashable {
  /// Samples evaluated.
  public let count: Int
  /// Fraction of samples whose argmax logit is the label.
  public let accuracy: Double
  /// Mean cross-entropy of the logits against the set's target rows.
  public let loss: Double
  /// `confusion[label][predicted]` counts.
  public let confusion: [[Int]]
  /// Predicted class of each sample.
  public let predictions: [Int32]

  /// Recall of each class (`nan` for a class with no samples).
  public var perClassAccuracy: [Double] {
    confusion.enumerated().map { i, row in
      let n = row.reduce(0, +)
      return n > 0 ? Double(row[i]) / Double(n) : .nan
    }
  }
}

/// Evaluates `model` on `set` in inference mode, `batchSize` rows per forward pass.
///
/// ```swift
/// let r = try evaluate(model: model, on: testSet)
/// print(r.accuracy, r.confusion)
/// ```
public func evaluate(model: Classifier, on set: TrainingSet, batchSize: Int = 1024) throws -> EvaluationResult {
  let be = set.backend
  guard model.backend === be else {
    throw GauntletError.foreignBuffer(operation: "evaluate", expected: model.backend.name, got: be.name)
  }
  guard model.classCount == set.classCount else {
    throw GauntletError.shapeMismatch(operation: "evaluate",
                                      detail: "model has \(model.classCount) classes, the set \(set.classCount)")
  }
  guard batchSize > 0 else {
    throw GauntletError.invalidArgument(name: "batchSize", detail: "must be > 0, got \(batchSize)")
  }
  let (n, d, k) = (set.count, set.inputs.cols, set.classCount)
  var predictions: [Int32] = []
  predictions.reserveCapacity(n)
  var confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
  let lossSum = try be.makeBuffer(count: 1)
  try be.fill(lossSum, value: 0, offset: 0, count: 1)
  let bmax = min(batchSize, max(n, 1))
  let xb = try be.makeBuffer(count: bmax * d), tb = try be.makeBuffer(count: bmax * k)
  var start = 0
  while start < n {
    let b = min(bmax, n - start)
    try be.copy(set.inputs.buffer, srcOffset: start * d, to: xb, dstOffset: 0, count: b * d)
    try be.copy(set.targets.buffer, srcOffset: start * k, to: tb, dstOffset: 0, count: b * k)
    let x = try Tensor(buffer: xb, shape: [b] + set.sampleShape, on: be)
    let t = try Tensor(buffer: tb, shape: [b, k], on: be)
    let z = try model.logits(x)
    let r = try Loss.crossEntropy.evaluate(logits: z, targets: t, reduction: .sum)
    let s = try DeviceMath.rows(.sum, r.perSample.buffer, rows: 1, cols: b, on: be)
    try be.axpy(alpha: 1, s, lossSum, count: 1)
    for (i, p) in try DeviceMath.argmax(z).enumerated() {
      predictions.append(Int32(p))
      confusion[Int(set.labels[start + i])][p] += 1
    }
    start += b
  }
  let correct = (0..<k).reduce(0) { $0 + confusion[$1][$1] }
  let total = Double(try be.download(lossSum, offset: 0, count: 1)[0])
  return EvaluationResult(count: n, accuracy: n > 0 ? Double(correct) / Double(n) : 0,
                          loss: n > 0 ? total / Double(n) : 0, confusion: confusion, predictions: predictions)
}
