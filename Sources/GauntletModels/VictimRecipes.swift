import GauntletCore
import GauntletData

/// Trained victim models on the embedded digits, reproducible from a seed on any backend.
///
/// Measured on this 2-core machine (release build, CPU backend): `digitsMLP` trains in ~0.3–0.5 s
/// to ~98.9% test accuracy, `digitsCNN` in ~3 s to ~99.2% (seed 1).
///
/// ```swift
/// let victim = try VictimRecipes.digitsMLP(on: backend, seed: 1)   // ≥ 96% test accuracy
/// ```
public enum VictimRecipes {
  /// Epochs of the MLP recipe (Adam, learning rate 2e-3, batch 32).
  public static let mlpEpochs = 30
  /// Epochs of the CNN recipe (Adam, learning rate 2e-3, batch 32).
  public static let cnnEpochs = 20

  /// `mlp:64-128-64-10` trained on `Datasets.digitsTrainTest().train`. `epochs` overrides
  /// `mlpEpochs` (for quick checks).
  public static func digitsMLP(on backend: Backend, seed: UInt64 = 1, epochs: Int? = nil,
                               quiet: Bool = true) throws -> Sequential {
    try trained(ModelSpec(parsing: "mlp:64-128-64-10"), on: backend, seed: seed, epochs: epochs ?? mlpEpochs, quiet: quiet)
  }

  /// `cnn:digits` trained on `Datasets.digitsTrainTest().train`. `epochs` overrides `cnnEpochs`.
  public static func digitsCNN(on backend: Backend, seed: UInt64 = 1, epochs: Int? = nil,
                               quiet: Bool = true) throws -> Sequential {
    try trained(ModelSpec.digitsCNN, on: backend, seed: seed, epochs: epochs ?? cnnEpochs, quiet: quiet)
  }

  static func trained(_ spec: ModelSpec, on backend: Backend, seed: UInt64, epochs: Int, quiet: Bool) throws -> Sequential {
    let model = try spec.build(on: backend, seed: seed)
    let (trainSet, _) = try Datasets.digitsTrainTest()
    try train(model: model, on: backend, dataset: trainSet, epochs: epochs, batchSize: 32, seed: seed,
              optimizer: try Adam(learningRate: 2e-3), quiet: quiet)
    return model
  }
}
