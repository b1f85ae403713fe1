import Foundation
import GauntletCore

/// Settings of a training run.
public struct TrainingOptions: Sendable, Hashable {
  public var epochs: Int
  public var batchSize: Int
  /// Seeds the per-epoch shuffles (and nothing else: model initialization has its own seed).
  public var seed: UInt64
  public var loss: Loss
  public var shuffle: Bool
  /// Suppresses the progress bar (it is also silent when standard error is not a terminal).
  public var quiet: Bool
  /// Progress-bar label prefix.
  public var label: String

  public init(epochs: Int = 10, batchSize: Int = 32, seed: UInt64 = 0, loss: Loss = .crossEntropy,
              shuffle: Bool = true, quiet: Bool = false, label: String = "train") {
    self.epochs = epochs; self.batchSize = batchSize; self.seed = seed; self.loss = loss
    self.shuffle = shuffle; self.quiet = quiet; self.label = label
  }
}

/// One epoch's numbers.
public struct EpochRecord: Sendable, Codable, Hashable {
  public let epoch: Int
  /// Mean training loss over the epoch's batches (as the model changed during the epoch).
  public let trainLoss: Double
  public let validationLoss: Double?
  public let validationAccuracy: Double?
  public let seconds: Double
}

/// What `Trainer.fit` returns: one record per epoch.
public struct TrainingHistory: Sendable, Codable, Hashable {
  public var epochs: [EpochRecord] = []
  public var totalSeconds: Double { epochs.reduce(0) { $0 + $1.seconds } }
  public var finalValidationAccuracy: Double? { epochs.last?.validationAccuracy }
}

/// Mini-batch training of a `Sequential` model: seeded Philox shuffles, device-side batches
/// (`gatherRows`), the loss's gradient, `backward`, one optimizer step per batch, and an
/// evaluation on the validation set after every epoch. Hard or soft targets alike.
///
/// ```swift
/// let trainer = Trainer(optimizer: try Adam(learningRate: 1e-3),
///                       options: TrainingOptions(epochs: 20, batchSize: 32, seed: 7))
/// let history = try trainer.fit(model, on: trainSet, validation: testSet)
/// ```
public struct Trainer {
  public var optimizer: Optimizer
  public var options: TrainingOptions

  public init(optimizer: Optimizer, options: TrainingOptions = TrainingOptions()) {
    self.optimizer = optimizer
    self.options = options
  }

  /// Trains `model` in place and returns the per-epoch history. The model ends in `.eval` mode.
  public func fit(_ model: Sequential, on data: TrainingSet, validation: TrainingSet? = nil) throws -> TrainingHistory {
    let o = options
    guard o.epochs >= 0, o.batchSize > 0 else {
      throw GauntletError.invalidArgument(name: "epochs/batchSize", detail: "need epochs ≥ 0 and batchSize > 0, got \(o.epochs), \(o.batchSize)")
    }
    let be = model.backend
    guard data.backend === be else {
      throw GauntletError.foreignBuffer(operation: "Trainer.fit", expected: be.name, got: data.backend.name)
    }
    guard data.classCount == model.classCount, data.inputs.cols == model.inputShape.reduce(1, *) else {
      throw GauntletError.shapeMismatch(
        operation: "Trainer.fit",
        detail: "data \(data.sampleShape) → \(data.classCount) classes does not fit model \(model.inputShape) → \(model.classCount)")
    }
    let n = data.count
    let b = min(o.batchSize, max(n, 1))
    let xb = try be.makeBuffer(count: b * data.inputs.cols), tb = try be.makeBuffer(count: b * data.classCount)
    let lossSum = try be.makeBuffer(count: 1)
    let params = model.parameters
    var history = TrainingHistory()
    defer { model.mode = .eval }
    for epoch in stride(from: 1, through: o.epochs, by: 1) {
      let started = ContinuousClock.now
      let order = o.shuffle ? Shuffle.permutation(count: n, key: PhiloxKey(seed: o.seed).derived(UInt64(epoch)))
                            : (0..<n).map { Int32($0) }
      let batches = (n + b - 1) / b
      let bar = ProgressBar(total: batches, label: "\(o.label) epoch \(epoch)/\(o.epochs)", quiet: o.quiet)
      try be.fill(lossSum, value: 0, offset: 0, count: 1)
      model.mode = .train
      for i in 0..<batches {
        let idx = Array(order[(i * b)..<min(n, (i + 1) * b)])
        let (x, t) = try data.gather(idx, inputs: xb, targets: tb)
        let z = try model.forward(x)
        let r = try o.loss.evaluate(logits: z, targets: t, reduction: .mean)
        _ = try model.backward(gradLogits: r.gradient)
        try optimizer.step(params)
        let s = try DeviceMath.rows(.sum, r.perSample.buffer, rows: 1, cols: idx.count, on: be)
        try be.axpy(alpha: 1, s, lossSum, count: 1)
        bar.update(i + 1)
      }
      model.mode = .eval
      let trainLoss = n > 0 ? Double(try be.download(lossSum, offset: 0, count: 1)[0]) / Double(n) : 0
      let val = try validation.map { try evaluate(model: model, on: $0) }
      let elapsed = ContinuousClock.now - started
      history.epochs.append(EpochRecord(
        epoch: epoch, trainLoss: trainLoss, validationLoss: val?.loss, validationAccuracy: val?.accuracy,
        seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18))
      var suffix = String(format: "loss %.4f", trainLoss)
      if let val { suffix += String(format: " val_loss %.4f val_acc %.2f%%", val.loss, val.accuracy * 100) }
      bar.finish(suffix: suffix)
    }
    return history
  }
}
