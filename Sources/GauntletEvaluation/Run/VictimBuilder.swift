import GauntletCore
import GauntletData
import GauntletModels

/// Builds the experiment's victim once and places it on every backend with identical weights:
/// a recipe is trained on the first backend asked for (`cpu` in practice) and copied to the others
/// through the in-memory `.gmodel` form; a file is loaded on each backend.
final class VictimBuilder {
  let config: VictimConfig
  let quiet: Bool
  private var trained: SafeTensors?
  private(set) var trainSeconds: Double = 0

  init(config: VictimConfig, quiet: Bool) { self.config = config; self.quiet = quiet }

  func victim(on backend: Backend, name: String) throws -> VictimContext {
    let (train, test) = try Datasets.digitsTrainTest()
    let model: Sequential
    switch config {
    case let .model(path):
      let file = try SafeTensors.read(path: path)
      model = file.metadata["gauntlet.format"] == "gmodel"
        ? try Sequential.load(file, path: path, on: backend) : try Sequential.importTorch(file, path: path, on: backend)
    case let .recipe(spec, epochs, seed):
      if let trained {
        model = try Sequential.load(trained, on: backend)
      } else {
        let start = ContinuousClock.now
        model = try ModelSpec(parsing: spec).build(on: backend, seed: seed)
        _ = try GauntletModels.train(model: model, on: backend, dataset: train, epochs: epochs, batchSize: 32, seed: seed,
                                     optimizer: try Adam(learningRate: 2e-3), quiet: quiet)
        trainSeconds = (ContinuousClock.now - start).seconds
        trained = try model.gmodel()
      }
    }
    guard model.inputShape.reduce(1, *) == test.featureCount, model.classCount == test.classCount else {
      throw GauntletError.shapeMismatch(operation: "victim", detail: "the model takes \(model.inputShape) → \(model.classCount) classes; digits need 64 features and 10 classes")
    }
    return try VictimContext(backendName: name, model: model, train: train, test: test)
  }
}

extension Duration {
  /// The duration in seconds.
  var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
