import Foundation
import Testing
@testable import Gauntlet

/// End-to-end: an attacker labels the digits training inputs through a defended oracle and trains
/// a substitute on what it was told.
@Suite("Defenses against extraction on digits", .serialized)
struct ExtractionProtectionTests {
  static let victim: Result<Sequential, Error> = Result { try Digits.plainModel(seed: 11, epochs: 20) }

  /// Trains a substitute on the oracle's answers to the training inputs (soft targets when the
  /// oracle reveals probabilities, one-hot otherwise); returns it and its test accuracy.
  func steal(_ oracle: Oracle, client: String, seed: UInt64 = 21, spec: String = "mlp:64-32-10",
             epochs: Int = 25) throws -> (model: Sequential, accuracy: Double) {
    let d = try Digits.get()
    let answer = try oracle.query(d.trainData.features, client: client)
    let targets = try answer.distributionRows()
    let set = try TrainingSet(inputs: d.trainData.features, sampleShape: d.trainData.sampleShape, softTargets: targets,
                              classCount: 10, on: testBackend())
    let sub = try ModelSpec(parsing: spec).build(on: testBackend(), seed: seed)
    _ = try Trainer(optimizer: try Adam(learningRate: 3e-3),
                options: TrainingOptions(epochs: epochs, batchSize: 32, seed: seed, quiet: true)).fit(sub, on: set)
    return (sub, try evaluate(model: sub, on: d.test).accuracy)
  }

  @Test func madPoisoningHurtsTheSubstitute() throws {
    let victim = try Self.victim.get()
    let surrogate = try Digits.plainModel(seed: 12, epochs: 10)
    let clean = try steal(Oracle(model: victim), client: "a").accuracy
    let chain = try DefenseChain(parsing: "mad:epsilon=1.2", context: DefenseContext(surrogate: surrogate))
    let poisoned = try steal(Oracle(model: victim, configuration: OracleConfiguration(defenses: chain)), client: "b").accuracy
    let d = try Digits.get()
    let cost = try UtilityCost.measure(model: victim, defenses: chain, dataset: d.testData)
    print("MAD ε=1.2: substitute accuracy \(clean) → \(poisoned); honest cost: \(cost)")
    #expect(clean > 0.85)
    #expect(poisoned < clean - 0.2)
  }

  @Test func dawnIdentifiesTheStolenModel() throws {
    let victim = try Self.victim.get()
    let wm = try DAWNWatermark(rate: 0.1, key: 0xD417)
    let oracle = try Oracle(model: victim, configuration: OracleConfiguration(mode: .label, defenses: DefenseChain([wm])))
    // A high-capacity substitute trained to fit its labels memorises the marked answers (the
    // premise of DAWN); a small one that generalises would not.
    let (stolen, accuracy) = try steal(oracle, client: "thief", spec: "mlp:64-128-10", epochs: 50)
    let independent = try Digits.plainModel(seed: 13, epochs: 20)
    let vs = try wm.verify(suspect: stolen, client: "thief")
    let vi = try wm.verify(suspect: independent, client: "thief")
    print("DAWN: substitute accuracy \(accuracy); stolen \(vs.matches)/\(vs.trials) p=\(vs.pValue); independent \(vi.matches)/\(vi.trials) p=\(vi.pValue)")
    #expect(vs.trials > 100)
    #expect(vs.stolen && vs.pValue < 1e-6)
    #expect(!vi.stolen)
  }
}
