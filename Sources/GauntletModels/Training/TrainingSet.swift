import GauntletCore

/// Samples with target rows, resident on one backend: what `Trainer` and `evaluate` consume.
///
/// Targets are `[count, classCount]` rows: one-hot for hard labels, probability rows for soft
/// labels (model stealing from probabilities, distillation), or logits for `Loss.mse`. `labels`
/// are the hard labels used for accuracy (the argmax of the targets unless given).
///
/// ```swift
/// let set = try TrainingSet(inputs: x, sampleShape: [1, 8, 8], labels: y, classCount: 10, on: backend)
/// let soft = try TrainingSet(inputs: queries, targets: victimProbabilities)   // device tensors
/// ```
public struct TrainingSet: Sendable {
  /// `[count] + sampleShape`.
  public let inputs: Tensor
  /// `[count, classCount]`.
  public let targets: Tensor
  /// Hard labels, `count` of them.
  public let labels: [Int32]

  public var count: Int { inputs.rows }
  public var sampleShape: [Int] { Array(inputs.shape.dropFirst()) }
  public var classCount: Int { targets.cols }
  public var backend: Backend { inputs.backend }

  /// From device tensors. `labels` default to the argmax of each target row.
  public init(inputs: Tensor, targets: Tensor, labels: [Int32]? = nil) throws {
    guard inputs.backend === targets.backend else {
      throw GauntletError.foreignBuffer(operation: "TrainingSet", expected: inputs.backend.name, got: targets.backend.name)
    }
    guard inputs.shape.count >= 2, targets.shape.count == 2, inputs.rows == targets.rows, targets.cols > 0 else {
      throw GauntletError.shapeMismatch(
        operation: "TrainingSet", detail: "inputs \(inputs.shape) need [count, …] and targets \(targets.shape) [count, classes] with equal counts")
    }
    if let labels {
      guard labels.count == inputs.rows else {
        throw GauntletError.shapeMismatch(operation: "TrainingSet", detail: "\(labels.count) labels for \(inputs.rows) samples")
      }
      try Validate.indices(labels, below: targets.cols, "TrainingSet.labels")
      self.labels = labels
    } else {
      self.labels = try DeviceMath.argmax(targets).map { Int32($0) }
    }
    self.inputs = inputs
    self.targets = targets
  }

  /// Hard labels: targets are one-hot rows.
  public init(inputs: [Float], sampleShape: [Int], labels: [Int32], classCount: Int, on backend: Backend) throws {
    let x = try TrainingSet.upload(inputs, sampleShape: sampleShape, count: labels.count, on: backend)
    try self.init(inputs: x, targets: try Loss.oneHot(labels, classCount: classCount, on: backend), labels: labels)
  }

  /// Soft labels: `softTargets` holds `count × classCount` probabilities (or logits for MSE).
  public init(inputs: [Float], sampleShape: [Int], softTargets: [Float], classCount: Int, on backend: Backend) throws {
    guard classCount > 0, softTargets.count % classCount == 0 else {
      throw GauntletError.shapeMismatch(operation: "TrainingSet", detail: "\(softTargets.count) targets are not rows of \(classCount)")
    }
    let n = softTargets.count / classCount
    let x = try TrainingSet.upload(inputs, sampleShape: sampleShape, count: n, on: backend)
    try self.init(inputs: x, targets: try Tensor(softTargets, shape: [n, classCount], on: backend))
  }

  private static func upload(_ inputs: [Float], sampleShape: [Int], count: Int, on backend: Backend) throws -> Tensor {
    let d = try Tensor.elementCount(sampleShape)
    guard inputs.count == count * d else {
      throw GauntletError.shapeMismatch(
        operation: "TrainingSet", detail: "\(inputs.count) input values for \(count) samples of \(sampleShape)")
    }
    return try Tensor(inputs, shape: [count] + sampleShape, on: backend)
  }

  /// Rows `indices` of inputs and targets, gathered on the device into the given buffers (which
  /// may be larger than needed); returns tensors of the batch's size.
  func gather(_ indices: [Int32], inputs xb: DeviceBuffer, targets tb: DeviceBuffer) throws -> (Tensor, Tensor) {
    let d = inputs.cols, k = classCount
    try backend.gatherRows(inputs.buffer, indices: indices, cols: d, into: xb)
    try backend.gatherRows(targets.buffer, indices: indices, cols: k, into: tb)
    return (try Tensor(buffer: xb, shape: [indices.count] + sampleShape, on: backend),
            try Tensor(buffer: tb, shape: [indices.count, k], on: backend))
  }
}
