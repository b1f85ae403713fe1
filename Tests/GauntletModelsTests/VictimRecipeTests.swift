import Foundation
import Testing
import Gauntlet

@Suite("Victim recipes")
struct VictimRecipeTests {
  @Test func digitsMLP() throws {
    let be = CPUBackend()
    let start = ContinuousClock.now
    let model = try VictimRecipes.digitsMLP(on: be, seed: 1)
    let r = try evaluate(model: model, dataset: Datasets.digitsTrainTest().test)
    print("digitsMLP", r.accuracy, ContinuousClock.now - start)
    #expect(model.spec == (try ModelSpec(parsing: "mlp:64-128-64-10")))
    #expect(r.accuracy >= 0.96, "test accuracy \(r.accuracy)")
  }

  @Test func digitsCNN() throws {
    let be = CPUBackend()
    let start = ContinuousClock.now
    let model = try VictimRecipes.digitsCNN(on: be, seed: 1)
    let r = try evaluate(model: model, dataset: Datasets.digitsTrainTest().test)
    print("digitsCNN", r.accuracy, ContinuousClock.now - start)
    #expect(model.spec == ModelSpec.digitsCNN)
    #expect(r.accuracy >= 0.96, "test accuracy \(r.accuracy)")
  }
}
