import Foundation
import Gauntlet

/// The backend the oracle tests run on.
func testBackend() -> Backend { sharedBackend }
private let sharedBackend: Backend = CPUBackend()

/// Deterministic values in [lo, hi) from Philox (host side).
func values(_ count: Int, seed: UInt64, lo: Float = -1, hi: Float = 1) -> [Float] {
  Philox.fill(.uniform(lo: lo, hi: hi), key: PhiloxKey(seed: seed, stream: 99), counter: 0, count: count)
}

/// A fixed linear softmax model `logits = x·W + b` (`W`: features × classes), built from
/// `backend.gemm` + `broadcast`. Counts the rows it has evaluated.
final class LinearClassifier: Classifier, @unchecked Sendable {
  let backend: Backend
  let inputShape: [Int]
  let classCount: Int
  let weights: [Float]
  let bias: [Float]
  private let w: DeviceBuffer
  private let b: DeviceBuffer
  private let lock = NSLock()
  private var evaluated = 0

  init(features: Int, classes: Int, seed: UInt64, scale: Float = 1, on backend: Backend = testBackend(),
       inputShape: [Int]? = nil) throws {
    self.backend = backend
    self.inputShape = inputShape ?? [features]
    self.classCount = classes
    weights = values(features * classes, seed: seed).map { $0 * scale }
    bias = values(classes, seed: seed &+ 1).map { $0 * 0.1 }
    w = try backend.makeBuffer(weights)
    b = try backend.makeBuffer(bias)
  }

  /// A model whose weights are `weights` (features × classes) and bias `bias`.
  init(weights: [Float], bias: [Float], on backend: Backend = testBackend()) throws {
    self.backend = backend
    classCount = bias.count
    inputShape = [weights.count / bias.count]
    self.weights = weights; self.bias = bias
    w = try backend.makeBuffer(weights)
    b = try backend.makeBuffer(bias)
  }

  var rowsEvaluated: Int { lock.withLock { evaluated } }

  func logits(_ x: Tensor) throws -> Tensor {
    let n = x.rows, f = x.cols
    let out = try backend.makeBuffer(count: n * classCount)
    try backend.gemm(x.buffer, w, into: out, GemmShape(m: n, n: classCount, k: f))
    try backend.broadcast(.add, out, b, into: out, rows: n, cols: classCount, axis: .row)
    lock.withLock { evaluated += n }
    return try Tensor(buffer: out, shape: [n, classCount], on: backend)
  }

  /// Host reference logits in Double.
  func referenceLogits(_ x: [Float]) -> [Double] {
    let f = weights.count / classCount, n = x.count / f
    var z = [Double](repeating: 0, count: n * classCount)
    for r in 0..<n { for c in 0..<classCount {
      var acc = Double(bias[c])
      for k in 0..<f { acc += Double(x[r * f + k]) * Double(weights[k * classCount + c]) }
      z[r * classCount + c] = acc
    } }
    return z
  }
}

/// Row-wise softmax in Double.
func softmaxRows(_ z: [Double], cols: Int) -> [Double] {
  var out = z
  for r in 0..<(z.count / cols) {
    let row = z[(r * cols)..<((r + 1) * cols)]
    let m = row.max() ?? 0
    let e = row.map { Foundation.exp($0 - m) }
    let s = e.reduce(0, +)
    for (j, v) in e.enumerated() { out[r * cols + j] = v / s }
  }
  return out
}

/// Index of the largest entry of each row (ties to the lowest index).
func argmaxRows<T: Comparable>(_ v: [T], cols: Int) -> [Int] {
  (0..<(v.count / cols)).map { r in
    var best = 0
    for j in 1..<cols where v[r * cols + j] > v[r * cols + best] { best = j }
    return best
  }
}

/// A temporary file path unique to the test.
func temporaryPath(_ name: String) -> String {
  let dir = FileManager.default.temporaryDirectory.path
  return "\(dir)/gauntlet-\(name)-\(UUID().uuidString).jsonl"
}
