import Foundation
import Testing
@testable import Gauntlet

/// A "stolen" model that memorised the watermarked answers it was trained on and otherwise
/// behaves like the victim (what a high-fidelity extraction produces).
final class MemorizingModel: Classifier, @unchecked Sendable {
  let victim: LinearModel
  let memory: [UInt64: Int32]
  var backend: Backend { victim.backend }
  var inputShape: [Int] { victim.inputShape }
  var classCount: Int { victim.classCount }
  init(victim: LinearModel, memory: [DAWNWatermark.WatermarkRecord], fraction: Double) {
    self.victim = victim
    let kept = memory.prefix(Int(Double(memory.count) * fraction))
    self.memory = Dictionary(kept.map { (RowHash.hash($0.input[...]), $0.watermarkLabel) }, uniquingKeysWith: { a, _ in a })
  }
  func logits(_ x: Tensor) throws -> Tensor {
    var z = try victim.logits(x).toArray()
    let host = try x.toArray(), F = x.cols, K = classCount
    for r in 0..<x.rows {
      if let w = memory[RowHash.hash(host[(r * F)..<((r + 1) * F)])] { z[r * K + Int(w)] = 1e3 }
    }
    return try Tensor(z, shape: [x.rows, K], on: backend)
  }
}

@Suite("DAWN watermark")
struct WatermarkTests {
  let model: LinearModel
  init() throws { model = try LinearModel(features: 5, classes: 6, seed: 8, scale: 2) }

  @Test func aKeyedFractionOfQueriesGetsAWrongLabel() throws {
    let wm = try DAWNWatermark(rate: 0.1, key: 42)
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(mode: .label, defenses: DefenseChain([wm])))
    let n = 3000
    let x = values(n * 5, seed: 4)
    let a = try oracle.query(x, client: "m")
    let truth = argmaxRows(model.probabilities(x), cols: 6)
    var marked = 0
    for r in 0..<n {
      let sel = wm.isMarked(x[(r * 5)..<((r + 1) * 5)])
      #expect((Int(a.labels[r]) != truth[r]) == sel)
      if sel { marked += 1 }
    }
    #expect(marked > 240 && marked < 360)                 // Binomial(3000, 0.1): mean 300, sd 16
    let recs = wm.records(for: "m")
    #expect(recs.count == marked && wm.records(for: "nobody").isEmpty)
    #expect(recs.allSatisfy { $0.trueLabel != $0.watermarkLabel })
    // Wrong labels are spread over the other classes.
    let offsets = Set(recs.map { (Int($0.watermarkLabel) - Int($0.trueLabel) + 6) % 6 })
    #expect(offsets == Set(1...5))
    // Another key marks other rows.
    let other = try DAWNWatermark(rate: 0.1, key: 43)
    let overlap = (0..<n).filter { wm.isMarked(x[($0 * 5)..<(($0 + 1) * 5)]) && other.isMarked(x[($0 * 5)..<(($0 + 1) * 5)]) }.count
    #expect(overlap < 60)
  }

  @Test func repeatsAreRecordedOnceAndAnsweredAlike() throws {
    let wm = try DAWNWatermark(rate: 0.5, key: 1, maxRecordsPerClient: 5)
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(defenses: DefenseChain([wm])))
    let x = values(40 * 5, seed: 6)
    let a = try oracle.query(x, client: "c").scoreArray()
    let b = try oracle.query(x, client: "c").scoreArray()
    #expect(a == b)
    #expect(wm.records(for: "c").count == 5)              // bounded
    wm.clearRecords()
    #expect(wm.records().isEmpty)
  }

  @Test func verificationSeparatesStolenFromIndependentModels() throws {
    let wm = try DAWNWatermark(rate: 0.05, key: 2024)
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(mode: .label, defenses: DefenseChain([wm])))
    _ = try oracle.query(values(4000 * 5, seed: 9), client: "thief")
    let recs = wm.records(for: "thief")
    #expect(recs.count > 120)

    let stolen = try wm.verify(suspect: MemorizingModel(victim: model, memory: recs, fraction: 1), client: "thief")
    #expect(stolen.stolen && stolen.matches == stolen.trials && stolen.pValue < 1e-50)
    let partly = try wm.verify(suspect: MemorizingModel(victim: model, memory: recs, fraction: 0.4), client: "thief")
    #expect(partly.stolen && partly.pValue < 1e-6)

    let honest = try wm.verify(suspect: model, client: "thief")       // the victim itself never agrees
    #expect(!honest.stolen && honest.matches == 0 && honest.pValue == 1)
    let independent = try wm.verify(suspect: LinearModel(features: 5, classes: 6, seed: 77), client: "thief")
    #expect(!independent.stolen && independent.matchRate < 0.35)
    #expect(try wm.verify(suspect: model, client: "nobody").trials == 0)
    #expect(throws: GauntletError.self) { try wm.verify(suspect: model, significance: 0) }
  }

  @Test func binomialTailMatchesExactValues() {
    #expect(abs(Binomial.upperTail(atLeast: 8, trials: 10, probability: 0.5) - 56.0 / 1024) < 1e-12)
    #expect(Binomial.upperTail(atLeast: 0, trials: 10, probability: 0.3) == 1)
    #expect(Binomial.upperTail(atLeast: 11, trials: 10, probability: 0.3) == 0)
    #expect(abs(Binomial.upperTail(atLeast: 1, trials: 5, probability: 0.2) - (1 - pow(0.8, 5))) < 1e-12)
    // scipy.stats.binom.sf(29, 100, 0.2)
    #expect(abs(Binomial.upperTail(atLeast: 30, trials: 100, probability: 0.2) - 0.011248978720991648) < 1e-12)
  }

  @Test func badParametersAreRejected() {
    #expect(throws: GauntletError.self) { try DAWNWatermark(rate: 0, key: 1) }
    #expect(throws: GauntletError.self) { try DAWNWatermark(rate: 0.6, key: 1) }
    #expect(throws: GauntletError.self) { try DAWNWatermark(rate: 0.1, key: 1, maxRecordsPerClient: 0) }
  }
}
