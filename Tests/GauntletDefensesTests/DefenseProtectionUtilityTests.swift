import Foundation
import Testing
@testable import Gauntlet

/// Protection proxies and utility costs move in the expected directions.
@Suite("Defense protection and utility")
struct DefenseProtectionUtilityTests {
  let data: Clusters
  let model: LinearModel
  init() throws {
    data = Clusters(classes: 4, featureCount: 8, perClass: 60, spread: 0.12, seed: 21)
    model = try LinearModel(means: data.means, sharpness: 12)
  }

  func cost(_ spec: String, context: DefenseContext = DefenseContext()) throws -> UtilityCost {
    try UtilityCost.measure(model: model, defenses: DefenseChain(parsing: spec, context: context),
                            inputs: data.features, labels: data.labels, batchSize: 97)
  }

  /// Mean error of the logit differences an attacker recovers as `log q_j − log q_0` (the
  /// equation-solving attack of Tramèr et al. 2016 relies on them being exact).
  func logitRecoveryError(_ spec: String) throws -> Double {
    let K = model.classCount
    let q = try defended(model, spec, data.features).scoreArray()
    let p = model.probabilities(data.features)
    var err = 0.0
    for r in 0..<data.rows { for j in 1..<K {
      let rec = Foundation.log(max(Double(q[r * K + j]), 1e-12)) - Foundation.log(max(Double(q[r * K]), 1e-12))
      err += abs(rec - (Foundation.log(p[r * K + j]) - Foundation.log(p[r * K])))
    } }
    return err / Double(data.rows * (K - 1))
  }

  @Test func noDefenseCostsNothing() throws {
    let c = try cost("none")
    #expect(c.cleanAccuracy > 0.9)
    #expect(c.accuracyDrop == 0 && c.labelChangeRate == 0)
    #expect(c.meanL1 < 1e-5 && c.meanKL < 1e-6)
  }

  @Test func strongerSettingsCostMoreAndProtectMore() throws {
    let round1 = try cost("round:1"), round3 = try cost("round:3")
    #expect(round1.meanL1 > round3.meanL1 && round1.meanKL > round3.meanKL)
    #expect(try logitRecoveryError("round:1") > logitRecoveryError("round:3"))
    #expect(try logitRecoveryError("round:3") > logitRecoveryError("none") + 1e-3)

    let n1 = try cost("noise:gaussian,sigma=0.01"), n2 = try cost("noise:gaussian,sigma=0.2")
    #expect(n2.meanL1 > n1.meanL1 && n2.accuracyDrop >= n1.accuracyDrop)
    #expect(try logitRecoveryError("noise:gaussian,sigma=0.2") > logitRecoveryError("noise:gaussian,sigma=0.01"))

    let rsWeak = try cost("reverse-sigmoid:beta=0.1,gamma=0.2"), rsStrong = try cost("reverse-sigmoid:beta=0.8,gamma=0.2")
    #expect(rsStrong.meanL1 > rsWeak.meanL1)
    #expect(try logitRecoveryError("reverse-sigmoid:beta=0.8,gamma=0.2") > logitRecoveryError("reverse-sigmoid:beta=0.1,gamma=0.2"))

    let lap = try cost("noise:laplace,sigma=1,space=logits")
    #expect(lap.meanL1 > 0.01 && lap.labelChangeRate > 0)
  }

  @Test func argmaxPreservingDefensesCostNoAccuracy() throws {
    for spec in ["topk:1", "label-only", "threshold:0.5", "deceptive:1", "topk:2,renormalize=true"] {
      let c = try cost(spec)
      #expect(c.accuracyDrop == 0 && c.labelChangeRate == 0, "\(spec)")
      #expect(c.meanL1 > 0, "\(spec)")
    }
    let labels = try cost("label-only")
    let top2 = try cost("topk:2")
    #expect(labels.meanKL > top2.meanKL)   // label-only reveals the least
  }

  @Test func labelOnlyCostIsMeasuredAgainstOneHotAnswers() throws {
    let c = try cost("label-only")
    let p = model.probabilities(data.features)
    let K = model.classCount
    var l1 = 0.0
    for r in 0..<data.rows {
      let top = argmaxRows(Array(p[(r * K)..<((r + 1) * K)]), cols: K)[0]
      for j in 0..<K { l1 += abs(p[r * K + j] - (j == top ? 1 : 0)) }
    }
    #expect(abs(c.meanL1 - l1 / Double(data.rows)) < 1e-5)
  }

  @Test func adaptiveMisinformationHitsOutOfDistributionQueriesHarder() throws {
    let data = Clusters(classes: 4, featureCount: 8, perClass: 60, spread: 0.06, seed: 21)
    let sharp = try LinearModel(means: data.means, sharpness: 150)
    let chain = try DefenseChain(parsing: "am:tau=0.8,nu=100")
    let inDist = try UtilityCost.measure(model: sharp, defenses: chain, inputs: data.features, labels: data.labels)
    // Out of distribution: midpoints between two class means, where the model is unsure.
    var ood: [Float] = []
    let noise = values(60 * 8, seed: 5, lo: -0.02, hi: 0.02)
    for i in 0..<60 {
      let a = i % 4, b = (i / 4 + a + 1) % 4 == a ? (a + 1) % 4 : (i / 4 + a + 1) % 4
      for f in 0..<8 { ood.append((data.means[a][f] + data.means[b][f]) / 2 + noise[i * 8 + f]) }
    }
    let oodCost = try UtilityCost.measure(model: sharp, defenses: chain, inputs: ood, labels: [Int32](repeating: 0, count: 60))
    #expect(inDist.cleanAccuracy > 0.9 && inDist.accuracyDrop < 0.05 && inDist.meanL1 < 0.1)
    #expect(oodCost.labelChangeRate > 0.5 && oodCost.meanL1 > 10 * inDist.meanL1)
  }

  @Test func madPicksTheMostDeviatingVertexAndStaysWithinItsBudget() throws {
    let surrogate = try LinearModel(features: 8, classes: 4, seed: 33)
    let ctx = DefenseContext(surrogate: surrogate)
    let K = 4, eps = 0.6
    let x = Array(data.features.prefix(30 * 8))
    let y = model.probabilities(x)
    let vertex = try defended(model, "mad:epsilon=2", x, context: ctx).scoreArray()    // α = 1: the vertex itself
    let q = try defended(model, "mad:epsilon=\(eps)", x, context: ctx).scoreArray()
    let ps = surrogate.probabilities(x)
    // With a linear surrogate, Gᵀv = W·(v − Σv·p_s) for any v.
    func direction(_ v: [Double], _ r: Int) -> [Double] {
      let s = v.reduce(0, +)
      return (0..<8).map { f in (0..<K).reduce(0.0) { $0 + Double(surrogate.weights[f * K + $1]) * (v[$1] - s * ps[r * K + $1]) } }
    }
    func cosine(_ a: [Double], _ b: [Double]) -> Double {
      let d = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
      return d / ((a.reduce(0) { $0 + $1 * $1 }).squareRoot() * (b.reduce(0) { $0 + $1 * $1 }).squareRoot())
    }
    var meanCos = 0.0
    for r in 0..<30 {
      let yr = Array(y[(r * K)..<((r + 1) * K)])
      let vr = (0..<K).map { Double(vertex[r * K + $0]) }, qr = (0..<K).map { Double(q[r * K + $0]) }
      let a = direction(yr, r)
      #expect(vr.filter { $0 == 1 }.count == 1 && vr.reduce(0, +) == 1)          // a simplex vertex
      let chosen = cosine(direction(vr, r), a)
      for k in 0..<K {
        let e = (0..<K).map { $0 == k ? 1.0 : 0 }
        #expect(chosen <= cosine(direction(e, r), a) + 1e-4)                       // deviates the most
      }
      let d = zip(vr, yr).reduce(0) { $0 + abs($1.0 - $1.1) }
      let alpha = min(1, eps / d)
      for j in 0..<K { #expect(abs(qr[j] - (yr[j] + alpha * (vr[j] - yr[j]))) < 1e-5) }
      #expect(zip(yr, qr).reduce(0) { $0 + abs($1.0 - $1.1) } <= eps + 1e-5)
      meanCos += cosine(direction(qr, r), a) / 30
    }
    #expect(meanCos < 0.9)   // the poisoned answers point the attacker's gradient elsewhere
  }
}
