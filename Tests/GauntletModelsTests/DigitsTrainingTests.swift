import Foundation
import Testing
import Gauntlet

@Suite("Digits training")
struct DigitsTrainingTests {
  @Test func mlpReaches96PercentTestAccuracy() throws {
    let be = testBackend()
    let (trainSet, testSet) = try Datasets.digitsTrainTest()
    let model = try ModelSpec(parsing: "mlp:64-128-64-10").build(on: be, seed: 1)
    let history = try train(model: model, on: be, dataset: trainSet, epochs: 8, batchSize: 32, seed: 1,
                            optimizer: try Adam(learningRate: 3e-3), validation: testSet, quiet: true)
    for e in history.epochs { print("epoch", e.epoch, e.trainLoss, e.validationLoss ?? 0, e.validationAccuracy ?? 0, e.seconds) }
    let r = try evaluate(model: model, dataset: testSet)
    #expect(r.count == 359)
    #expect(r.accuracy >= 0.96, "test accuracy \(r.accuracy)")
  }
}
