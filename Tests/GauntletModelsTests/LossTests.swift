import Foundation
import Testing
import Gauntlet

/// Loss values against host Double references, and ∂L/∂logits against central differences
/// (h = 1e-2 on the logits, float32; tolerance |a − n| ≤ 1e-3 + 1e-2·|n|).
@Suite("Losses")
struct LossTests {
  let be = testBackend()
  let b = 4, k = 5

  var logits: [Float] { values(b * k, seed: 21, lo: -3, hi: 3) }
  var labels: [Int32] { [0, 3, 4, 1] }
  var softTargets: [Float] {
    let raw = values(b * k, seed: 22, lo: 0.05, hi: 1)
    return (0..<b).flatMap { r -> [Float] in
      let row = raw[(r * k)..<((r + 1) * k)]
      let s = row.reduce(0, +)
      return row.map { $0 / s }
    }
  }

  func hostLogSoftmax(_ z: ArraySlice<Float>, _ t: Double) -> [Double] {
    let zs = z.map { Double($0) / t }
    let m = zs.max()!
    let lse = m + log(zs.reduce(0) { $0 + exp($1 - m) })
    return zs.map { $0 - lse }
  }

  /// Mean loss value recomputed on the host for every loss.
  func hostValue(_ loss: Loss, _ z: [Float], _ t: [Float]) -> Double {
    var total = 0.0
    for r in 0..<b {
      let zr = z[(r * k)..<((r + 1) * k)], tr = Array(t[(r * k)..<((r + 1) * k)])
      switch loss {
      case .crossEntropy:
        total -= zip(tr, hostLogSoftmax(zr, 1)).reduce(0) { $0 + Double($1.0) * $1.1 }
      case let .softCrossEntropy(T):
        total -= Double(T * T) * zip(tr, hostLogSoftmax(zr, Double(T))).reduce(0) { $0 + Double($1.0) * $1.1 }
      case let .klDivergence(T):
        total += Double(T * T) * zip(tr, hostLogSoftmax(zr, Double(T)))
          .reduce(0) { $0 + ($1.0 > 0 ? Double($1.0) * (log(Double($1.0)) - $1.1) : 0) }
      case .mse:
        total += zip(zr, tr).reduce(0) { $0 + pow(Double($1.0 - $1.1), 2) } / Double(k)
      case let .carliniWagner(kappa, targeted):
        let target = tr.firstIndex(of: 1)!
        let zz = Array(zr)
        let other = zz.indices.filter { $0 != target }.map { Double(zz[$0]) }.max()!
        let margin = targeted ? other - Double(zz[target]) : Double(zz[target]) - other
        total += max(margin, -Double(kappa))
      }
    }
    return total / Double(b)
  }

  func check(_ loss: Loss, targets t: [Float], z: [Float]? = nil) throws {
    let z = z ?? logits
    let tt = try Tensor(t, shape: [b, k], on: be)
    let r = try loss.evaluate(logits: Tensor(z, shape: [b, k], on: be), targets: tt)
    let value = try r.value()
    let ref = hostValue(loss, z, t)
    #expect(abs(Double(value) - ref) <= 1e-5 + 1e-5 * abs(ref), "\(loss): \(value) vs host \(ref)")
    // Per-sample values sum to the batch total.
    let per = try r.perSample.toArray()
    #expect(abs(per.reduce(0, +) / Float(b) - value) <= 1e-5)
    let grad = try r.gradient.toArray()
    let h: Float = 1e-2
    for i in z.indices {
      var zp = z, zm = z
      zp[i] += h; zm[i] -= h
      let num = (hostValue(loss, zp, t) - hostValue(loss, zm, t)) / Double(2 * h)
      #expect(abs(Double(grad[i]) - num) <= 1e-3 + 1e-2 * abs(num), "\(loss) ∂/∂z[\(i)]: \(grad[i]) vs \(num)")
    }
    // The device value agrees with the host formula at the perturbed points too (one spot check).
    var zp = z; zp[0] += h
    let rp = try loss.evaluate(logits: Tensor(zp, shape: [b, k], on: be), targets: tt)
    #expect(abs(Double(try rp.value()) - hostValue(loss, zp, t)) <= 1e-5 + 1e-5 * abs(hostValue(loss, zp, t)))
  }

  @Test func crossEntropyHardLabels() throws {
    try check(.crossEntropy, targets: Loss.oneHot(labels, classCount: k, on: be).toArray())
  }

  @Test func crossEntropySoftLabels() throws { try check(.crossEntropy, targets: softTargets) }

  @Test(arguments: [Float(1), 2, 4])
  func softCrossEntropyTemperature(_ T: Float) throws { try check(.softCrossEntropy(temperature: T), targets: softTargets) }

  @Test(arguments: [Float(1), 3])
  func klDivergence(_ T: Float) throws {
    var t = softTargets
    t[2] = 0; t[0] += softTargets[2]   // a zero target entry counts 0
    try check(.klDivergence(temperature: T), targets: t)
  }

  @Test func klEqualsSoftCrossEntropyMinusEntropy() throws {
    let t = softTargets, T: Float = 2
    let z = try Tensor(logits, shape: [b, k], on: be), tt = try Tensor(t, shape: [b, k], on: be)
    let kl = try Loss.klDivergence(temperature: T).evaluate(logits: z, targets: tt)
    let ce = try Loss.softCrossEntropy(temperature: T).evaluate(logits: z, targets: tt)
    let entropy = t.reduce(0.0) { $0 - Double($1) * log(Double($1)) } / Double(b)
    #expect(abs(Double(try ce.value() - kl.value()) - Double(T * T) * entropy) <= 1e-4)
    #expect(try kl.gradient.toArray() == ce.gradient.toArray())
  }

  @Test func mse() throws { try check(.mse, targets: values(b * k, seed: 23, lo: -2, hi: 2)) }

  @Test(arguments: [false, true])
  func carliniWagner(_ targeted: Bool) throws {
    // Logits with a clear runner-up; margins well away from −κ and from ties.
    let z: [Float] = [2.0, 0.5, -1.0, 1.2, 0.0,
                      -0.5, 0.3, 1.9, 0.8, -2.0,
                      0.1, 0.9, -0.4, 2.2, 1.5,
                      3.0, -1.0, 0.2, 0.7, 1.1]
    let t = try Loss.oneHot(labels, classCount: k, on: be).toArray()
    try check(.carliniWagner(kappa: 0.5, targeted: targeted), targets: t, z: z)
  }

  @Test func carliniWagnerClampsAtKappa() throws {
    // Class 0 leads the runner-up (class 1) by 5.
    let z = try Tensor([6, 1, 0, 0, 0], shape: [1, 5], on: be)
    let t = try Loss.oneHot([0], classCount: 5, on: be)
    // Untargeted (0 is the true class): margin Z_0 − Z_1 = 5 > −κ, gradient e_0 − e_1.
    let u = try Loss.carliniWagner(kappa: 2, targeted: false).evaluate(logits: z, targets: t)
    #expect(try u.value() == 5)
    #expect(try u.gradient.toArray() == [1, -1, 0, 0, 0])
    // Targeted at 0: margin Z_1 − Z_0 = −5 is below −κ = −2: loss −κ, zero gradient.
    let clamped = try Loss.carliniWagner(kappa: 2, targeted: true).evaluate(logits: z, targets: t)
    #expect(try clamped.value() == -2)
    #expect(try clamped.gradient.toArray() == [0, 0, 0, 0, 0])
    // With κ = 10 the margin −5 is above −κ: gradient e_1 − e_0.
    let active = try Loss.carliniWagner(kappa: 10, targeted: true).evaluate(logits: z, targets: t)
    #expect(try active.value() == -5)
    #expect(try active.gradient.toArray() == [-1, 1, 0, 0, 0])
  }

  @Test func sumReductionGivesPerSampleGradients() throws {
    let t = try Loss.oneHot(labels, classCount: k, on: be)
    let z = try Tensor(logits, shape: [b, k], on: be)
    let mean = try Loss.crossEntropy.evaluate(logits: z, targets: t).gradient.toArray()
    let sum = try Loss.crossEntropy.evaluate(logits: z, targets: t, reduction: .sum).gradient.toArray()
    for i in mean.indices { #expect(abs(sum[i] - mean[i] * Float(b)) <= 1e-6) }
  }

  @Test func badArguments() throws {
    let z = try Tensor(logits, shape: [b, k], on: be)
    let wrong = try Tensor(values(b * (k - 1), seed: 1), shape: [b, k - 1], on: be)
    #expect(throws: GauntletError.self) { try Loss.crossEntropy.evaluate(logits: z, targets: wrong) }
    #expect(throws: GauntletError.self) { try Loss.softCrossEntropy(temperature: 0).evaluate(logits: z, targets: z) }
    #expect(throws: GauntletError.self) { try Loss.carliniWagner(kappa: -1, targeted: true).evaluate(logits: z, targets: z) }
    #expect(throws: GauntletError.self) { try Loss.oneHot([0, 5], classCount: 5, on: be) }
  }

  @Test func softTargetsSoftenWithTemperature() throws {
    let z = try Tensor([4, 0, -4], shape: [1, 3], on: be)
    let p1 = try Loss.softTargets(z, temperature: 1).toArray()
    let p4 = try Loss.softTargets(z, temperature: 4).toArray()
    #expect(p4[0] < p1[0] && p4[2] > p1[2])
    #expect(abs(p4.reduce(0, +) - 1) <= 1e-6)
    #expect(abs(Double(p4[0]) - exp(1.0) / (exp(1.0) + 1 + exp(-1.0))) <= 1e-6)
  }
}
