import Foundation
import Testing
@testable import Gauntlet

@Suite("Defenses treat repeated queries alike")
struct DefenseConsistencyTests {
  static let specs = ["noise:gaussian,sigma=0.2", "noise:laplace,sigma=0.3,space=logits,key=9", "dawn:rate=0.5,key=3",
                      "mad:epsilon=1", "am:tau=0.7,nu=20", "reverse-sigmoid:beta=0.5", "deceptive:0.7",
                      "round:2,noise:gaussian,sigma=0.05,topk:3"]

  @Test(arguments: specs)
  func duplicatesAndSingleQueriesGetTheSameAnswer(_ spec: String) throws {
    let model = try LinearModel(features: 4, classes: 6, seed: 5, scale: 3)
    let ctx = DefenseContext(surrogate: try LinearModel(features: 4, classes: 6, seed: 6), key: 77)
    let oracle = try Oracle(model: model, configuration: OracleConfiguration(defenses: DefenseChain(parsing: spec, context: ctx)))
    let base = values(8 * 4, seed: 12)
    // rows 8…15 repeat rows 0…7 in reverse order
    var batch = base
    for r in (0..<8).reversed() { batch += base[(r * 4)..<((r + 1) * 4)] }
    let a = try oracle.query(batch).scoreArray()
    for r in 0..<8 {
      let dup = 15 - r
      #expect(Array(a[(r * 6)..<((r + 1) * 6)]) == Array(a[(dup * 6)..<((dup + 1) * 6)]), "\(spec): duplicate of row \(r) differs")
      let alone = try oracle.query(Array(base[(r * 4)..<((r + 1) * 4)])).scoreArray()
      for j in 0..<6 { #expect(abs(alone[j] - a[r * 6 + j]) < 1e-5, "\(spec): row \(r) alone differs") }
    }
  }

  @Test func noiseDependsOnTheKeyAndTheRowContent() throws {
    let rows: [UInt64] = [1, 2, 1]
    let a = NoiseDefense.noise(kind: .gaussian, scale: 1, key: 4, rowKeys: rows, cols: 8)
    let b = NoiseDefense.noise(kind: .gaussian, scale: 1, key: 5, rowKeys: rows, cols: 8)
    #expect(Array(a[0..<8]) == Array(a[16..<24]))
    #expect(Array(a[0..<8]) != Array(a[8..<16]))
    #expect(a != b)
  }

  @Test(arguments: [NoiseDefense.Kind.gaussian, .laplace])
  func noiseHasTheRequestedScale(_ kind: NoiseDefense.Kind) {
    let keys = (0..<4000).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
    let n = NoiseDefense.noise(kind: kind, scale: 0.5, key: 1, rowKeys: keys, cols: 5).map(Double.init)
    let mean = n.reduce(0, +) / Double(n.count)
    let meanAbs = n.reduce(0) { $0 + abs($1) } / Double(n.count)
    let sd = (n.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n.count)).squareRoot()
    #expect(abs(mean) < 0.02)
    switch kind {
    case .gaussian: #expect(abs(sd - 0.5) < 0.02)
    case .laplace: #expect(abs(meanAbs - 0.5) < 0.02)    // E|X| = b for Laplace(0, b)
    }
  }
}
