import ArgumentParser
import Foundation
import Gauntlet

/// `gauntlet predict`: labels and probabilities for inputs from a file or the dataset's test split.
struct PredictCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "predict", abstract: "Predict labels (and probabilities) for inputs in a .npy/.csv file or test samples.")

  @Option(help: "Model file.") var model: String
  @Option(help: "Inputs: a .npy file (rows × features) or a numeric CSV. Default: the first --count test samples.")
  var input: String?
  @Option(help: "Test samples to predict when no --input is given.") var count: Int = 10
  @OptionGroup var data: DatasetOptions
  @OptionGroup var backendOptions: BackendOptions
  @Flag(help: "Print the probability row of each input.") var probabilities = false

  func run() throws {
    let backend = try backendOptions.make()
    let m = try ModelLoading.load(model, on: backend)
    let features = m.inputShape.reduce(1, *)
    var rows: [Float]
    var labels: [Int32]? = nil
    if let input {
      if input.hasSuffix(".npy") {
        rows = try NPYReader.read(path: input).values
      } else {
        rows = try CSVReader.read(path: input).values
      }
      guard rows.count % features == 0, !rows.isEmpty else {
        throw GauntletError.shapeMismatch(operation: "predict",
                                          detail: "\(input) holds \(rows.count) values, not a multiple of the model's \(features) input features")
      }
    } else {
      guard count > 0 else { throw ValidationError("--count must be > 0") }
      let test = try data.trainTest().test
      let b = test.batch(0..<min(count, test.count))
      rows = b.features; labels = b.labels
    }
    let n = rows.count / features
    let x = try Tensor(rows, shape: [n] + m.inputShape, on: backend)
    let p = try m.probabilities(x).toArray()
    let k = m.classCount
    for i in 0..<n {
      let row = Array(p[i * k..<(i + 1) * k])
      let best = row.indices.max { row[$0] < row[$1] } ?? 0
      var line = "\(i): label \(best) (p = \(String(format: "%.4f", row[best])))"
      if let labels { line += ", true \(labels[i])" }
      if probabilities { line += " [" + row.map { String(format: "%.4f", $0) }.joined(separator: ", ") + "]" }
      print(line)
    }
  }
}
