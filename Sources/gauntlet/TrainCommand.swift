import ArgumentParser
import Foundation
import Gauntlet

/// `gauntlet train`: trains a victim and saves it as a `.gmodel` file.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train", abstract: "Train a model on a dataset and save it (.gmodel).")

  @OptionGroup var data: DatasetOptions
  @OptionGroup var backendOptions: BackendOptions

  @Option(help: "Architecture: mlp:64-128-64-10, cnn:digits, or a JSON layer list.")
  var arch: String = "mlp:64-128-64-10"

  @Option(help: "Epochs.") var epochs: Int = 20
  @Option(help: "Mini-batch size.") var batchSize: Int = 32
  @Option(help: "Adam learning rate.") var lr: Float = 1e-3
  @Option(help: "Seed for initialization and shuffling.") var seed: UInt64 = 1
  @Option(help: "Output model file.") var out: String = "victim.gmodel"
  @Flag(help: "No progress bar.") var quiet = false

  func validate() throws {
    guard epochs > 0 else { throw ValidationError("--epochs must be > 0") }
    guard batchSize > 0 else { throw ValidationError("--batch-size must be > 0") }
    guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be a positive number") }
  }

  func run() throws {
    let backend = try backendOptions.make()
    let (train, test) = try data.trainTest()
    let spec = try ModelSpec(parsing: arch)
    let model = try spec.build(on: backend, seed: seed)
    let history = try Gauntlet.train(model: model, on: backend, dataset: train, epochs: epochs, batchSize: batchSize,
                                     seed: seed, optimizer: try Adam(learningRate: lr), validation: test, quiet: quiet)
    try model.save(path: out)
    let acc = history.finalValidationAccuracy ?? 0
    print("trained \(spec) on \(train.count) samples (\(backend.name)) in \(String(format: "%.2f", history.totalSeconds)) s; "
          + "test accuracy \(String(format: "%.2f%%", acc * 100)) on \(test.count); saved \(out)")
  }
}
