import ArgumentParser
import Foundation
import Gauntlet

/// `gauntlet evaluate-model`: accuracy and confusion matrix of a saved model.
struct EvaluateModelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate-model", abstract: "Accuracy and confusion matrix of a saved model on a dataset's test split.")

  @Option(help: "Model file (.gmodel, or PyTorch-exported .safetensors).") var model: String
  @OptionGroup var data: DatasetOptions
  @OptionGroup var backendOptions: BackendOptions
  @Flag(help: "Evaluate on the training split instead of the test split.") var trainSplit = false

  func run() throws {
    let backend = try backendOptions.make()
    let m = try ModelLoading.load(model, on: backend)
    let (train, test) = try data.trainTest()
    let set = trainSplit ? train : test
    let r = try evaluate(model: m, dataset: set)
    print("model \(model) on \(set.name) (\(trainSplit ? "train" : "test"), \(set.count) samples), backend \(backend.name)")
    print("accuracy \(String(format: "%.2f%%", r.accuracy * 100)), mean cross-entropy \(String(format: "%.4f", r.loss))")
    print("confusion matrix (rows: true label, columns: predicted):")
    let w = max(4, String(r.confusion.flatMap { $0 }.max() ?? 0).count + 1)
    print("     " + (0..<r.confusion.count).map { String($0).leftPad(w) }.joined())
    for (i, row) in r.confusion.enumerated() {
      print(String(i).leftPad(4) + " " + row.map { String($0).leftPad(w) }.joined())
    }
  }
}

/// Loads `.gmodel` files, or PyTorch-exported safetensors (by extension and metadata).
enum ModelLoading {
  static func load(_ path: String, on backend: Backend) throws -> Sequential {
    let file = try SafeTensors.read(path: path)
    if file.metadata["gauntlet.format"] == "gmodel" { return try Sequential.load(file, path: path, on: backend) }
    return try Sequential.importTorch(file, path: path, on: backend)
  }
}

extension String {
  func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
