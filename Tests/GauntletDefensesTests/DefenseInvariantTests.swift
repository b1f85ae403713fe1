import Foundation
import Testing
@testable import Gauntlet

/// One defense spec and what it promises.
struct DefenseCase: CustomTestStringConvertible, Sendable {
  let spec: String
  /// Rows are probability distributions (non-negative, sum 1).
  let distributions: Bool
  let keepsArgmax: Bool
  var testDescription: String { spec }
}

let defenseCases: [DefenseCase] = [
  DefenseCase(spec: "round:2", distributions: false, keepsArgmax: false),
  DefenseCase(spec: "topk:3,renormalize=true", distributions: true, keepsArgmax: true),
  DefenseCase(spec: "topk:2", distributions: false, keepsArgmax: true),
  DefenseCase(spec: "threshold:0.3", distributions: false, keepsArgmax: true),
  DefenseCase(spec: "noise:gaussian,sigma=0.1", distributions: true, keepsArgmax: false),
  DefenseCase(spec: "noise:laplace,sigma=0.5,space=logits", distributions: true, keepsArgmax: false),
  DefenseCase(spec: "reverse-sigmoid:beta=0.8,gamma=0.5", distributions: true, keepsArgmax: false),
  DefenseCase(spec: "mad:epsilon=0.8", distributions: true, keepsArgmax: false),
  DefenseCase(spec: "mad:epsilon=2,norm=l2,argmax=true", distributions: true, keepsArgmax: true),
  DefenseCase(spec: "am:tau=0.6,nu=50", distributions: true, keepsArgmax: false),
  DefenseCase(spec: "deceptive:beta=1", distributions: true, keepsArgmax: true),
  DefenseCase(spec: "dawn:rate=0.3,key=5", distributions: true, keepsArgmax: false),
  DefenseCase(spec: "round:3,deceptive:0.5,topk:4", distributions: false, keepsArgmax: false),
]

@Suite("Output defense invariants")
struct DefenseInvariantTests {
  let model: LinearModel
  let context: DefenseContext
  let x: [Float]
  let p: [Double]
  static let K = 5, F = 6, N = 40

  init() throws {
    model = try LinearModel(features: Self.F, classes: Self.K, seed: 2, scale: 2)
    context = DefenseContext(surrogate: try LinearModel(features: Self.F, classes: Self.K, seed: 9), key: 1)
    x = values(Self.N * Self.F, seed: 3)
    p = model.probabilities(x)
  }

  @Test(arguments: defenseCases)
  func outputsAreValidAndKeepTheirPromises(_ c: DefenseCase) throws {
    let K = Self.K
    let chain = try DefenseChain(parsing: c.spec, context: context)
    if c.keepsArgmax { #expect(chain.preservesArgmax) }
    let a = try defended(model, c.spec, x, context: context)
    let q = try a.scoreArray()
    #expect(q.count == Self.N * K && a.labels.count == Self.N)
    #expect(q.allSatisfy { $0 >= 0 && $0 <= 1 + 1e-6 && $0.isFinite })
    var changed = 0
    for r in 0..<Self.N {
      let row = q[(r * K)..<((r + 1) * K)]
      let s = row.reduce(0, +)
      if c.distributions { #expect(abs(s - 1) < 1e-5, "row \(r) sums to \(s)") } else { #expect(s <= 1 + Float(K) * 0.005 + 1e-5) }
      #expect(Int(a.labels[r]) == argmaxRows(Array(row), cols: K)[0])
      for j in 0..<K where abs(Double(row[row.startIndex + j]) - p[r * K + j]) > 1e-4 { changed += 1 }
    }
    #expect(changed > 0, "\(c.spec) left every output unchanged")
    if c.keepsArgmax { #expect(a.labels.map(Int.init) == argmaxRows(p, cols: K)) }
  }

  @Test func labelOnlyRevealsOnlyLabels() throws {
    for mode in [OutputMode.probabilities, .logits, .topK(2)] {
      let a = try defended(model, "label-only", x, mode: mode)
      #expect(a.scores == nil && a.mode == .label)
      #expect(a.labels.map(Int.init) == argmaxRows(p, cols: Self.K))
    }
  }

  @Test func logitOutputsOfAProbabilityDefenseAreLogProbabilities() throws {
    let a = try defended(model, "round:3", x, mode: .logits)
    let b = try defended(model, "round:3", x)
    let z = try a.scoreArray(), q = try b.scoreArray()
    for i in z.indices where q[i] > 0 { #expect(abs(Foundation.exp(z[i]) - q[i]) < 1e-6) }
    #expect(a.labels == b.labels)
  }

  @Test func thresholdZeroesSmallEntriesButKeepsTheTop() throws {
    let q = try defended(model, "threshold:0.99", x).scoreArray()
    for r in 0..<Self.N {
      let row = Array(q[(r * Self.K)..<((r + 1) * Self.K)])
      #expect(row.filter { $0 > 0 }.count == 1)
      let top = argmaxRows(p, cols: Self.K)[r]
      #expect(abs(Double(row[top]) - p[r * Self.K + top]) < 1e-5)
    }
  }

  @Test func roundingRoundsToTheGivenDecimals() throws {
    let q = try defended(model, "round:1", x).scoreArray()
    for (i, v) in q.enumerated() {
      #expect(abs(v * 10 - (v * 10).rounded()) < 1e-4)
      #expect(abs(Double(v) - p[i]) <= 0.05 + 1e-5)
    }
  }

  @Test func deceptiveReversesTheRunnerUpOrder() throws {
    let q = try defended(model, "deceptive:1", x).scoreArray()
    let K = Self.K
    for r in 0..<Self.N {
      let orig = Array(p[(r * K)..<((r + 1) * K)]), row = Array(q[(r * K)..<((r + 1) * K)])
      let top = argmaxRows(orig, cols: K)[0]
      let others = (0..<K).filter { $0 != top }
      let byOrig = others.sorted { orig[$0] > orig[$1] }
      #expect(row[byOrig.first!] <= row[byOrig.last!] + 1e-6)    // most likely wrong class now least
      #expect(abs(Double(row[top]) - orig[top]) < 1e-5)
    }
  }

  @Test func adaptiveMisinformationLeavesConfidentRowsAndPoisonsUncertainOnes() throws {
    let a = try defended(model, "am:tau=0.6,nu=200", x).scoreArray()
    let K = Self.K
    for r in 0..<Self.N {
      let orig = p[(r * K)..<((r + 1) * K)], ymax = orig.max()!
      let row = a[(r * K)..<((r + 1) * K)]
      let l1 = zip(orig, row).reduce(0.0) { $0 + abs($1.0 - Double($1.1)) }
      if ymax > 0.7 { #expect(l1 < 0.01) }
      if ymax < 0.5 { #expect(l1 > 0.1) }
    }
  }
}
