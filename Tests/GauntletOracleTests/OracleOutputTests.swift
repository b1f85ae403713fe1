import Foundation
import Testing
@testable import Gauntlet

@Suite("Oracle output modes")
struct OracleOutputTests {
  let model: LinearClassifier
  let x: [Float]
  init() throws {
    model = try LinearClassifier(features: 7, classes: 5, seed: 3, scale: 2)
    x = values(13 * 7, seed: 11)
  }

  @Test func probabilitiesMatchSoftmaxOfTheModel() throws {
    let oracle = try Oracle(model: model)
    let a = try oracle.query(x)
    #expect(a.mode == .probabilities && a.rows == 13 && a.classCount == 5)
    let p = try a.scoreArray()
    let ref = softmaxRows(model.referenceLogits(x), cols: 5)
    for i in p.indices { #expect(abs(Double(p[i]) - ref[i]) < 1e-5) }
    #expect(a.labels.map(Int.init) == argmaxRows(ref, cols: 5))
  }

  @Test func logitsModeRevealsTheLogits() throws {
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(mode: .logits))
    let z = try oracle.query(x).scoreArray()
    let ref = model.referenceLogits(x)
    for i in z.indices { #expect(abs(Double(z[i]) - ref[i]) < 1e-4) }
  }

  @Test func topKKeepsOnlyTheKLargestProbabilities() throws {
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(mode: .topK(2)))
    let a = try oracle.query(x)
    #expect(a.mode == .topK(2))
    let p = try a.scoreArray()
    let ref = softmaxRows(model.referenceLogits(x), cols: 5)
    for r in 0..<13 {
      let row = Array(p[(r * 5)..<(r * 5 + 5)])
      #expect(row.filter { $0 > 0 }.count == 2)
      let kept = ref[(r * 5)..<(r * 5 + 5)].enumerated().sorted { $0.element > $1.element }.prefix(2).map(\.offset)
      for j in 0..<5 {
        if kept.contains(j) { #expect(abs(Double(row[j]) - ref[r * 5 + j]) < 1e-5) } else { #expect(row[j] == 0) }
      }
    }
  }

  @Test func labelModeRevealsOnlyLabels() throws {
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(mode: .label))
    let a = try oracle.query(x)
    #expect(a.scores == nil && a.mode == .label)
    #expect(throws: GauntletError.self) { try a.scoreArray() }
    #expect(a.labels.map(Int.init) == argmaxRows(model.referenceLogits(x), cols: 5))
  }

  @Test func tensorAndArrayQueriesAgreeAndMultiDimensionalInputsWork() throws {
    let image = try LinearClassifier(features: 12, classes: 3, seed: 9, inputShape: [1, 3, 4])
    let oracle = try Oracle(model: image)
    let v = values(4 * 12, seed: 2)
    let a = try oracle.query(v).scoreArray()
    let b = try oracle.query(Tensor(v, shape: [4, 1, 3, 4], on: image.backend)).scoreArray()
    let c = try oracle.query(Tensor(v, shape: [4, 12], on: image.backend)).scoreArray()
    #expect(a == b && b == c)
  }

  @Test func badTopKIsRejectedAtConstruction() throws {
    #expect(throws: GauntletError.self) { try Oracle(model: model, configuration: OracleConfiguration(mode: .topK(6))) }
    #expect(throws: GauntletError.self) { try Oracle(model: model, configuration: OracleConfiguration(mode: .topK(0))) }
  }

  @Test func outputModeParsesItsDescription() throws {
    for m in [OutputMode.probabilities, .logits, .label, .topK(3)] {
      #expect(try OutputMode(parsing: m.description) == m)
    }
    #expect(try OutputMode(parsing: "topk:4") == .topK(4))
    #expect(throws: GauntletError.self) { try OutputMode(parsing: "softmax") }
  }
}
