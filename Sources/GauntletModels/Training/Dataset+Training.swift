import GauntletCore
import GauntletData

extension TrainingSet {
  /// A dataset's samples and one-hot labels, uploaded to `backend`.
  public init(_ dataset: Dataset, on backend: Backend) throws {
    try self.init(inputs: dataset.features, sampleShape: dataset.sampleShape, labels: dataset.labels,
                  classCount: dataset.classCount, on: backend)
  }
}

/// Trains `model` on `dataset` with cross-entropy (or `loss`), evaluating on `validation` after
/// every epoch. `backend` must be the model's backend. Returns the per-epoch history.
///
/// ```swift
/// let (train, test) = try Datasets.digitsTrainTest()
/// let model = try ModelSpec(parsing: "mlp:64-128-64-10").build(on: backend, seed: 1)
/// let history = try train(model: model, on: backend, dataset: train, epochs: 20, batchSize: 32,
///                         seed: 1, optimizer: try Adam(learningRate: 2e-3), validation: test)
/// ```
@discardableResult
public func train(model: Sequential, on backend: Backend, dataset: Dataset, epochs: Int, batchSize: Int,
                  seed: UInt64, optimizer: Optimizer, validation: Dataset? = nil, loss: Loss = .crossEntropy,
                  quiet: Bool = false) throws -> TrainingHistory {
  guard model.backend === backend else {
    throw GauntletError.invalidArgument(
      name: "backend", detail: "the model lives on '\(model.backend.name)', not '\(backend.name)'; build or load it on the backend you train on")
  }
  let trainer = Trainer(optimizer: optimizer,
                        options: TrainingOptions(epochs: epochs, batchSize: batchSize, seed: seed, loss: loss, quiet: quiet))
  return try trainer.fit(model, on: TrainingSet(dataset, on: backend),
                         validation: validation.map { try TrainingSet($0, on: backend) })
}

/// Accuracy, mean cross-entropy and confusion matrix of `model` on `dataset` (inference mode).
///
/// ```swift
/// let r = try evaluate(model: model, dataset: Datasets.digitsTrainTest().test)
/// r.accuracy   // e.g. 0.97
/// ```
public func evaluate(model: Classifier, dataset: Dataset, batchSize: Int = 1024) throws -> EvaluationResult {
  try evaluate(model: model, on: TrainingSet(dataset, on: model.backend), batchSize: batchSize)
}
