import GauntletCore
import GauntletData
import GauntletModels

/// The victim on one backend, with its data: the digits train/test split, its predictions on the
/// test split and the first correctly classified test points (what evasion attacks start from).
public final class VictimContext: @unchecked Sendable {
  // @unchecked Sendable: every stored property is immutable after init; `Sequential` is used by
  // one cell at a time (cells run sequentially).
  /// Config name of the backend (`cpu`, `opencl`).
  public let backendName: String
  public let backend: Backend
  public let model: Sequential
  public let train: Dataset
  public let test: Dataset
  /// Victim's test-split predictions.
  public let testPredictions: [Int32]
  /// Indices of correctly classified test samples, in test order.
  public let correct: [Int]

  public init(backendName: String, model: Sequential, train: Dataset, test: Dataset) throws {
    self.backendName = backendName; self.backend = model.backend; self.model = model
    self.train = train; self.test = test
    let x = try Tensor(test.features, shape: [test.count] + model.inputShape, on: model.backend)
    let predictions = try model.predictions(x).map { Int32($0) }
    testPredictions = predictions
    correct = test.labels.indices.filter { predictions[$0] == test.labels[$0] }
  }

  /// Test accuracy of the undefended victim.
  public var cleanAccuracy: Double { test.count == 0 ? 0 : Double(correct.count) / Double(test.count) }

  /// The first `count` correctly classified test points as `[n, features]` and their labels.
  public func points(_ count: Int) throws -> (x: Tensor, host: [[Float]], labels: [Int32]) {
    let chosen = Array(correct.prefix(count))
    guard !chosen.isEmpty else {
      throw GauntletError.invalidArgument(name: "samples", detail: "the victim classifies no test sample correctly")
    }
    let F = test.featureCount
    let host = chosen.map { Array(test.features[($0 * F)..<(($0 + 1) * F)]) }
    return (try Tensor(host.flatMap { $0 }, shape: [chosen.count] + model.inputShape, on: backend), host, chosen.map { test.labels[$0] })
  }
}
