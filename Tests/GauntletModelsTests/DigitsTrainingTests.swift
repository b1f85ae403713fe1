import Foundation
import Testing
import Gauntlet

@Suite("Digits training")
struct DigitsTrainingTests {
  @Test func mlpReaches96PercentTestAccuracy() throws {
    let be = testBackend()
    let (trainSet, testSet) = try Datasets.digitsTrainTest()
    let model = try ModelSpec(parsing: "mlp:64-128-64-10").build(on: be, seed: 1)
    // Six epochs of Adam keep the debug-build test short; the recipe trains longer.
    let history = try train(model: model, on: be, dataset: trainSet, epochs: 6, batchSize: 32, seed: 1,
                            optimizer: try Adam(learningRate: 3e-3), validation: testSet, quiet: true)
    let r = try evaluate(model: model, dataset: testSet)
    #expect(r.count == 359)
    #expect(r.accuracy >= 0.96, "test accuracy \(r.accuracy)")
    #expect(history.finalValidationAccuracy == r.accuracy)
    #expect(history.epochs.last!.trainLoss < history.epochs.first!.trainLoss)
    #expect(r.confusion.count == 10 && r.confusion.flatMap { $0 }.reduce(0, +) == 359)
    #expect(r.perClassAccuracy.allSatisfy { $0 >= 0.8 })
  }
}
