import Testing
import Foundation
import Gauntlet

/// Backends the zeroth-order checks run on: the CPU backend, and the shared OpenCL backend when a
/// platform exists (PoCL here). Built once: PoCL's first device set-up is not thread-safe.
enum TestBackends {
  static let cpu: Backend = CPUBackend()
  static let openCL: Backend? = try? OpenCLBackend.shared()
  static var all: [Backend] { [cpu] + (openCL.map { [$0] } ?? []) }
  static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
}

/// `f(x) = ½ Σ_i a_i (x_i − c_i)²`, gradient `a ⊙ (x − c)`, evaluated on the device.
struct Quadratic: BatchObjective {
  let a: [Float]
  let c: [Float]
  var dimension: Int { a.count }

  func values(at points: Tensor) throws -> Tensor {
    let be = points.backend, n = points.rows, d = dimension
    let t = try be.makeBuffer(count: n * d)
    try be.broadcast(.sub, points.buffer, be.makeBuffer(c), into: t, rows: n, cols: d, axis: .row)
    try be.unary(.square, t, into: t, count: n * d)
    try be.broadcast(.mul, t, be.makeBuffer(a), into: t, rows: n, cols: d, axis: .row)
    let out = try be.makeBuffer(count: n)
    try be.rows(.sum, t, into: out, rows: n, cols: d)
    try be.unary(.affine(scale: 0.5, shift: 0), out, into: out, count: n)
    return try Tensor(buffer: out, shape: [n], on: be)
  }

  func gradient(_ x: [Float]) -> [Float] { (0..<dimension).map { a[$0] * (x[$0] - c[$0]) } }

  func gradient(at points: Tensor) throws -> Tensor {
    let h = try points.toArray(), d = dimension
    let g = (0..<points.rows).flatMap { r in gradient(Array(h[(r * d)..<((r + 1) * d)])) }
    return try Tensor(g, shape: points.shape, on: points.backend)
  }

  /// A well-conditioned test quadratic in dimension `d` (curvatures 1…2, centre 0.1·i mod 1).
  static func standard(_ d: Int) -> Quadratic {
    Quadratic(a: (0..<d).map { 1 + Float($0 % 5) / 4 }, c: (0..<d).map { Float(($0 * 3) % 10) / 10 - 0.3 })
  }
}

/// `f(x) = wᵀ tanh(W x + b)`, a small fixed MLP with analytic input gradient
/// `Wᵀ (w ⊙ (1 − tanh²(W x + b)))`. Weights come from Philox.
struct TinyMLP: BatchObjective {
  let dimension: Int
  let hidden: Int
  let W: [Float], b: [Float], w: [Float]

  init(dimension: Int, hidden: Int, seed: UInt64) {
    self.dimension = dimension; self.hidden = hidden
    let k = PhiloxKey(seed: seed)
    let s = 1 / Float(dimension).squareRoot()
    W = Philox.fill(.normal(mean: 0, std: s), key: k.derived(1), counter: 0, count: hidden * dimension)
    b = Philox.fill(.normal(mean: 0, std: 0.1), key: k.derived(2), counter: 0, count: hidden)
    w = Philox.fill(.normal(mean: 0, std: 1), key: k.derived(3), counter: 0, count: hidden)
  }

  /// A surrogate: the same network with weights perturbed by `noise` (relative).
  func perturbed(noise: Float, seed: UInt64) -> TinyMLP {
    let e = Philox.fill(.normal(mean: 0, std: noise / Float(dimension).squareRoot()), key: PhiloxKey(seed: seed),
                        counter: 0, count: W.count)
    return TinyMLP(dimension: dimension, hidden: hidden, W: zip(W, e).map { $0 + $1 }, b: b, w: w)
  }

  private init(dimension: Int, hidden: Int, W: [Float], b: [Float], w: [Float]) {
    self.dimension = dimension; self.hidden = hidden; self.W = W; self.b = b; self.w = w
  }

  private func activations(_ points: Tensor) throws -> DeviceBuffer {
    let be = points.backend, n = points.rows
    let z = try be.makeBuffer(count: n * hidden)
    try be.gemm(points.buffer, be.makeBuffer(W), into: z, GemmShape(m: n, n: hidden, k: dimension, transB: true))
    try be.broadcast(.add, z, be.makeBuffer(b), into: z, rows: n, cols: hidden, axis: .row)
    try be.unary(.tanh, z, into: z, count: n * hidden)
    return z
  }

  func values(at points: Tensor) throws -> Tensor {
    let be = points.backend, n = points.rows
    let t = try activations(points)
    let out = try be.makeBuffer(count: n)
    try be.gemm(t, be.makeBuffer(w), into: out, GemmShape(m: n, n: 1, k: hidden))
    return try Tensor(buffer: out, shape: [n], on: be)
  }

  func gradient(at points: Tensor) throws -> Tensor {
    let be = points.backend, n = points.rows
    let t = try activations(points)
    let sq = try be.makeBuffer(count: n * hidden)
    try be.unary(.square, t, into: sq, count: n * hidden)
    try be.unary(.affine(scale: -1, shift: 1), sq, into: sq, count: n * hidden)
    try be.broadcast(.mul, sq, be.makeBuffer(w), into: sq, rows: n, cols: hidden, axis: .row)
    let g = try be.makeBuffer(count: n * dimension)
    try be.gemm(sq, be.makeBuffer(W), into: g, GemmShape(m: n, n: dimension, k: hidden))
    return try Tensor(buffer: g, shape: [n, dimension], on: be)
  }
}

/// Wraps an objective and counts the rows it was asked for, per call.
final class CountingObjective: BatchObjective {
  let inner: BatchObjective
  private(set) var rows = 0
  private(set) var calls = 0
  /// Row counts of every call, for per-point budget checks.
  private(set) var points: [Tensor] = []
  var keepPoints = false
  init(_ inner: BatchObjective) { self.inner = inner }
  var dimension: Int { inner.dimension }
  func values(at p: Tensor) throws -> Tensor {
    rows += p.rows; calls += 1
    if keepPoints { points.append(p) }
    return try inner.values(at: p)
  }
}

/// Host helpers.
enum HostMath {
  static func norm(_ v: [Float]) -> Float { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
  static func sub(_ a: [Float], _ b: [Float]) -> [Float] { zip(a, b).map { $0 - $1 } }
  /// Column means of an `n × d` row-major matrix.
  static func columnMeans(_ m: [Float], rows n: Int, cols d: Int) -> [Float] {
    var acc = [Double](repeating: 0, count: d)
    for r in 0..<n { for j in 0..<d { acc[j] += Double(m[r * d + j]) } }
    return acc.map { Float($0 / Double(n)) }
  }
  static func repeatRow(_ x: [Float], _ n: Int) -> [Float] { (0..<n).flatMap { _ in x } }
}

@Suite struct ZOBackendAvailabilityTests {
  /// On CI the OpenCL backend must exist, so that every check above ran on both backends.
  @Test func openCLRunsOnCI() {
    if TestBackends.isCI && TestBackends.openCL == nil { Issue.record("no OpenCL backend on CI: the ZO checks ran on the CPU only") }
  }
}
