import Foundation
import Gauntlet

/// The backend the defense tests run on.
func testBackend() -> Backend { sharedBackend }
private let sharedBackend: Backend = CPUBackend()

/// Deterministic values in [lo, hi) from Philox (host side).
func values(_ count: Int, seed: UInt64, lo: Float = -1, hi: Float = 1) -> [Float] {
  Philox.fill(.uniform(lo: lo, hi: hi), key: PhiloxKey(seed: seed, stream: 99), counter: 0, count: count)
}

/// Deterministic standard normal values.
func normals(_ count: Int, seed: UInt64) -> [Float] {
  Philox.fill(.normal(mean: 0, std: 1), key: PhiloxKey(seed: seed, stream: 7), counter: 0, count: count)
}

/// A fixed linear softmax model `logits = x·W + b` (`W`: features × classes) on the backend, with
/// input gradients `∂L/∂x = ∂L/∂z · Wᵀ`.
final class LinearModel: DifferentiableModel, @unchecked Sendable {
  let backend: Backend
  let inputShape: [Int]
  let classCount: Int
  let weights: [Float]
  let bias: [Float]
  private let w: DeviceBuffer
  private let b: DeviceBuffer

  init(weights: [Float], bias: [Float], on backend: Backend = testBackend()) throws {
    self.backend = backend
    classCount = bias.count
    inputShape = [weights.count / bias.count]
    self.weights = weights; self.bias = bias
    w = try backend.makeBuffer(weights)
    b = try backend.makeBuffer(bias)
  }

  convenience init(features: Int, classes: Int, seed: UInt64, scale: Float = 1) throws {
    try self.init(weights: values(features * classes, seed: seed).map { $0 * scale },
                  bias: values(classes, seed: seed &+ 1).map { $0 * 0.1 })
  }

  /// The nearest-class-mean classifier for `means` (classes × features): `z_k = s·(μ_k·x − ½‖μ_k‖²)`.
  convenience init(means: [[Float]], sharpness s: Float) throws {
    let K = means.count, F = means[0].count
    var w = [Float](repeating: 0, count: F * K)
    for k in 0..<K { for f in 0..<F { w[f * K + k] = s * means[k][f] } }
    try self.init(weights: w, bias: means.map { m in -0.5 * s * m.reduce(0) { $0 + $1 * $1 } })
  }

  var featureCount: Int { inputShape[0] }

  func logits(_ x: Tensor) throws -> Tensor {
    let n = x.rows
    let out = try backend.makeBuffer(count: n * classCount)
    try backend.gemm(x.buffer, w, into: out, GemmShape(m: n, n: classCount, k: featureCount))
    try backend.broadcast(.add, out, b, into: out, rows: n, cols: classCount, axis: .row)
    return try Tensor(buffer: out, shape: [n, classCount], on: backend)
  }

  func inputGradient(_ x: Tensor, gradLogits: Tensor) throws -> Tensor {
    let n = x.rows
    let out = try backend.makeBuffer(count: n * featureCount)
    try backend.gemm(gradLogits.buffer, w, into: out, GemmShape(m: n, n: featureCount, k: classCount, transB: true))
    return try Tensor(buffer: out, shape: x.shape, on: backend)
  }

  /// Host probabilities in Double.
  func probabilities(_ x: [Float]) -> [Double] {
    let F = featureCount, K = classCount, n = x.count / F
    var out = [Double](repeating: 0, count: n * K)
    for r in 0..<n {
      var z = (0..<K).map { c in
        (0..<F).reduce(Double(bias[c])) { $0 + Double(x[r * F + $1]) * Double(weights[$1 * K + c]) }
      }
      let m = z.max()!
      z = z.map { Foundation.exp($0 - m) }
      let s = z.reduce(0, +)
      for c in 0..<K { out[r * K + c] = z[c] / s }
    }
    return out
  }
}

/// Gaussian class clusters: `perClass` rows per class around means in [0, 1]^features, clamped to [0, 1].
struct Clusters {
  let features: [Float]
  let labels: [Int32]
  let means: [[Float]]
  let featureCount: Int
  var rows: Int { labels.count }

  init(classes: Int, featureCount: Int, perClass: Int, spread: Float, seed: UInt64) {
    self.featureCount = featureCount
    let mu = values(classes * featureCount, seed: seed, lo: 0.2, hi: 0.8)
    means = (0..<classes).map { Array(mu[($0 * featureCount)..<(($0 + 1) * featureCount)]) }
    let noise = normals(classes * perClass * featureCount, seed: seed &+ 1)
    var x: [Float] = [], y: [Int32] = []
    // interleave classes so any prefix is balanced
    for i in 0..<perClass { for k in 0..<classes {
      let base = (i * classes + k) * featureCount
      for f in 0..<featureCount { x.append(Swift.min(1, Swift.max(0, means[k][f] + spread * noise[base + f]))) }
      y.append(Int32(k))
    } }
    features = x; labels = y
  }

  func row(_ r: Int) -> [Float] { Array(features[(r * featureCount)..<((r + 1) * featureCount)]) }
}

/// Index of the largest entry of each row (ties to the lowest index).
func argmaxRows<T: Comparable>(_ v: [T], cols: Int) -> [Int] {
  (0..<(v.count / cols)).map { r in
    var best = 0
    for j in 1..<cols where v[r * cols + j] > v[r * cols + best] { best = j }
    return best
  }
}

/// Answers `x` through an oracle deploying `model` behind `spec`.
func defended(_ model: any Classifier, _ spec: String, _ x: [Float], mode: OutputMode = .probabilities,
              context: DefenseContext = DefenseContext()) throws -> OracleAnswer {
  let oracle = try Oracle(model: model, configuration: OracleConfiguration(
    mode: mode, defenses: DefenseChain(parsing: spec, context: context)))
  return try oracle.query(x)
}
