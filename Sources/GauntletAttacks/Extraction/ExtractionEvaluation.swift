import GauntletCore
import GauntletModels

/// The evaluator's view of an extraction (it holds the victim; the thief does not): measures test
/// accuracy, fidelity on test and uniform inputs, and PGD transferability. Victim forward passes
/// here are not oracle queries and are not charged to the thief.
///
/// ```swift
/// let eval = try ExtractionEvaluation(victim: victim, testInputs: test.features, testLabels: test.labels, box: 0...1)
/// let run = try Extraction.steal(session, spec: spec, thief: thief, evaluation: eval)
/// run.result.metrics?.fidelityTest
/// ```
public struct ExtractionEvaluation: Sendable {
  public var victim: any Classifier
  public var testInputs: [Float]
  public var testLabels: [Int32]
  public var box: ClosedRange<Float>
  public var uniformSamples: Int
  public var pgdEpsilon: Float
  public var pgdSteps: Int
  /// Test points attacked with PGD (the first ones correct under both models).
  public var transferSamples: Int
  public var seed: UInt64

  public init(victim: any Classifier, testInputs: [Float], testLabels: [Int32], box: ClosedRange<Float>,
              uniformSamples: Int = 1000, pgdEpsilon: Float = 0.1, pgdSteps: Int = 10, transferSamples: Int = 200,
              seed: UInt64 = 0) throws {
    let d = victim.inputShape.reduce(1, *)
    guard !testLabels.isEmpty, testInputs.count == testLabels.count * d else {
      throw GauntletError.shapeMismatch(operation: "ExtractionEvaluation", detail: "\(testInputs.count) values for \(testLabels.count) test samples of \(d) features")
    }
    guard uniformSamples >= 1, pgdSteps >= 1, transferSamples >= 0, pgdEpsilon.isFinite, pgdEpsilon >= 0 else {
      throw GauntletError.invalidArgument(name: "evaluation", detail: "need uniformSamples ≥ 1, pgdSteps ≥ 1, transferSamples ≥ 0, finite ε ≥ 0")
    }
    try Validate.indices(testLabels, below: victim.classCount, "ExtractionEvaluation.testLabels")
    self.victim = victim; self.testInputs = testInputs; self.testLabels = testLabels; self.box = box
    self.uniformSamples = uniformSamples; self.pgdEpsilon = pgdEpsilon; self.pgdSteps = pgdSteps
    self.transferSamples = transferSamples; self.seed = seed
  }

  /// Victim predictions on host rows (batched, on the victim's backend).
  func victimPredictions(_ rows: [Float]) throws -> [Int32] {
    let d = victim.inputShape.reduce(1, *), k = victim.classCount
    var out: [Int32] = []
    var s = 0
    let n = rows.count / d
    while s < n {
      let b = min(2048, n - s)
      let x = try Tensor(Array(rows[(s * d)..<((s + b) * d)]), shape: [b] + victim.inputShape, on: victim.backend)
      out += SubstituteTraining.argmax(try victim.logits(x).toArray(), classCount: k)
      s += b
    }
    return out
  }

  /// All metrics of `substitute`.
  public func measure(_ substitute: Sequential) throws -> ExtractionMetrics {
    let k = victim.classCount, d = victim.inputShape.reduce(1, *)
    let vTest = try victimPredictions(testInputs)
    let sTest = SubstituteTraining.argmax(try SubstituteTraining.logits(substitute, testInputs), classCount: k)
    let n = testLabels.count
    func frac(_ c: Int, _ m: Int) -> Double { m > 0 ? Double(c) / Double(m) : 0 }
    let acc = frac((0..<n).filter { sTest[$0] == testLabels[$0] }.count, n)
    let vacc = frac((0..<n).filter { vTest[$0] == testLabels[$0] }.count, n)
    let fid = frac((0..<n).filter { sTest[$0] == vTest[$0] }.count, n)
    let u = try ThiefData.uniform(count: uniformSamples, featureCount: d, box: box, seed: seed &+ 0xF1D)
    let vU = try victimPredictions(u.features)
    let sU = SubstituteTraining.argmax(try SubstituteTraining.logits(substitute, u.features), classCount: k)
    let fidU = frac((0..<uniformSamples).filter { vU[$0] == sU[$0] }.count, uniformSamples)

    let chosen = (0..<n).filter { sTest[$0] == testLabels[$0] && vTest[$0] == testLabels[$0] }.prefix(transferSamples)
    var x: [Float] = [], y: [Int32] = []
    for i in chosen { x += testInputs[(i * d)..<((i + 1) * d)]; y.append(testLabels[i]) }
    var subOK = 0, vicOK = 0
    if !y.isEmpty {
      let adv = try ExtractionPGD.linf(model: substitute, inputs: x, labels: y, epsilon: pgdEpsilon, steps: pgdSteps, box: box)
      let sAdv = SubstituteTraining.argmax(try SubstituteTraining.logits(substitute, adv), classCount: k)
      let vAdv = try victimPredictions(adv)
      subOK = (0..<y.count).filter { sAdv[$0] != y[$0] }.count
      vicOK = (0..<y.count).filter { vAdv[$0] != y[$0] }.count
    }
    return ExtractionMetrics(
      testAccuracy: acc, victimTestAccuracy: vacc, fidelityTest: fid, fidelityUniform: fidU, uniformSamples: uniformSamples,
      transfer: TransferMetrics(epsilon: pgdEpsilon, steps: pgdSteps, attempted: y.count,
                                substituteSuccess: frac(subOK, y.count), victimSuccess: frac(vicOK, y.count)))
  }
}
