import GauntletCore
import GauntletData

/// Trained victim models on the embedded digits, reproducible from a seed on any backend.
///
/// ```swift
/// let victim = try VictimRecipes.digitsMLP(on: backend, seed: 1)   // ≥ 96% test accuracy
/// ```
public enum VictimRecipes {
  /// `mlp:64-128-64-10` trained with Adam on `Datasets.digitsTrainTest().train`.
  public static func digitsMLP(on backend: Backend, seed: UInt64 = 1, quiet: Bool = true) throws -> Sequential {
    let model = try ModelSpec(parsing: "mlp:64-128-64-10").build(on: backend, seed: seed)
    let (trainSet, _) = try Datasets.digitsTrainTest()
    try train(model: model, on: backend, dataset: trainSet, epochs: mlpEpochs, batchSize: 32, seed: seed,
              optimizer: try Adam(learningRate: 2e-3), quiet: quiet)
    return model
  }

  /// `cnn:digits` trained with Adam on `Datasets.digitsTrainTest().train`.
  public static func digitsCNN(on backend: Backend, seed: UInt64 = 1, quiet: Bool = true) throws -> Sequential {
    let model = try ModelSpec.digitsCNN.build(on: backend, seed: seed)
    let (trainSet, _) = try Datasets.digitsTrainTest()
    try train(model: model, on: backend, dataset: trainSet, epochs: cnnEpochs, batchSize: 32, seed: seed,
              optimizer: try Adam(learningRate: 2e-3), quiet: quiet)
    return model
  }

  static let mlpEpochs = 30
  static let cnnEpochs = 20
}
