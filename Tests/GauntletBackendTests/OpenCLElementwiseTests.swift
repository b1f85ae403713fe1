import Foundation
import Testing
@testable import GauntletOpenCL
import GauntletCore

/// Element-wise ops against plain Swift. Tolerances: exact for arithmetic, comparisons and
/// correctly rounded sqrt/div; ≤ 4 ulp for exp, log, tanh and sigmoid (device built-ins vs glibc).
@Suite(.enabled(if: OCL.enabled, OCL.skipReason))
struct OpenCLElementwiseTests {
  static let n = 1001

  static func reference(_ op: UnaryOp, _ x: Float) -> Float {
    switch op {
    case .relu: return x > 0 ? x : 0
    case let .leakyRelu(s): return x > 0 ? x : s * x
    case .sigmoid: return 1 / (1 + Foundation.exp(-x))
    case .tanh: return Foundation.tanh(x)
    case .exp: return Foundation.exp(x)
    case .log: return Foundation.log(x)
    case .sign: return x > 0 ? 1 : (x < 0 ? -1 : 0)
    case .abs: return Swift.abs(x)
    case .square: return x * x
    case .sqrt: return x.squareRoot()
    case let .affine(a, b): return a * x + b
    case let .clamp(lo, hi): return Swift.min(Swift.max(x, lo), hi)
    }
  }

  static func referenceDerivative(_ op: UnaryOp, _ x: Float) -> Float {
    switch op {
    case .relu: return x > 0 ? 1 : 0
    case let .leakyRelu(s): return x > 0 ? 1 : s
    case .sigmoid: let s = reference(.sigmoid, x); return s * (1 - s)
    case .tanh: let t = Foundation.tanh(x); return 1 - t * t
    case .exp: return Foundation.exp(x)
    case .log: return 1 / x
    case .sign: return 0
    case .abs: return x > 0 ? 1 : (x < 0 ? -1 : 0)
    case .square: return 2 * x
    case .sqrt: return 0.5 / x.squareRoot()
    case .affine(let a, _): return a
    case let .clamp(lo, hi): return x >= lo && x <= hi ? 1 : 0
    }
  }

  static let ops: [UnaryOp] = [.relu, .leakyRelu(slope: 0.1), .sigmoid, .tanh, .exp, .log, .sign, .abs, .square,
                               .sqrt, .affine(scale: 1.5, shift: -0.25), .clamp(lo: -0.5, hi: 0.5)]

  /// Inputs: positive for log/sqrt, with exact zeros and the clamp bounds mixed in.
  static func inputs(_ op: UnaryOp) -> [Float] {
    var x = OCL.data(n, seed: 11, lo: -4, hi: 4)
    switch op {
    case .log, .sqrt: x = x.map { Swift.abs($0) + 1e-3 }
    default: x[0] = 0; x[1] = -0.5; x[2] = 0.5
    }
    return x
  }

  static func tolerance(_ op: UnaryOp) -> Int {
    switch op {
    case .sigmoid, .tanh, .exp, .log: return 4
    default: return 0
    }
  }

  @Test(arguments: ops) func unaryMatchesSwift(_ op: UnaryOp) throws {
    let be = try OCL.backend()
    let x = Self.inputs(op)
    let dx = try be.makeBuffer(x), dy = try be.makeBuffer(count: x.count)
    try be.unary(op, dx, into: dy, count: x.count)
    let got = try be.download(dy)
    let worst = zip(got, x.map { Self.reference(op, $0) }).map { OCL.ulps($0, $1) }.max() ?? 0
    #expect(worst <= Self.tolerance(op), "\(op): \(worst) ulp")
    try be.unary(op, dx, into: dx, count: 7)      // in place, partial count
    let inPlace = try be.download(dx)
    #expect(Array(inPlace[0..<7]) == Array(got[0..<7]) && Array(inPlace[7...]) == Array(x[7...]))
  }

  @Test(arguments: ops) func backwardMatchesSwift(_ op: UnaryOp) throws {
    let be = try OCL.backend()
    let x = Self.inputs(op), g = OCL.data(x.count, seed: 12)
    let dx = try be.makeBuffer(x), dg = try be.makeBuffer(g), out = try be.makeBuffer(count: x.count)
    try be.unaryBackward(op, x: dx, gradOutput: dg, into: out, count: x.count)
    let got = try be.download(out)
    let want = zip(x, g).map { $1 * Self.referenceDerivative(op, $0) }
    // 1 − tanh² and s·(1 − s) cancel near saturation, so allow an absolute 1e-6 there.
    let bad = zip(got, want).filter { OCL.ulps($0, $1) > Self.tolerance(op) + 2 && abs($0 - $1) > 1e-6 }
    #expect(bad.isEmpty, "\(op)′: \(bad.prefix(3))")
  }

  @Test(arguments: BinaryOp.allCases) func binaryAndBroadcastMatchSwift(_ op: BinaryOp) throws {
    let be = try OCL.backend()
    func f(_ a: Float, _ b: Float) -> Float {
      switch op {
      case .add: return a + b
      case .sub: return a - b
      case .mul: return a * b
      case .div: return a / b
      case .min: return Swift.min(a, b)
      case .max: return Swift.max(a, b)
      }
    }
    let rows = 13, cols = 77
    let a = OCL.data(rows * cols, seed: 13), b = OCL.data(rows * cols, seed: 14, lo: 0.5, hi: 2)
    let da = try be.makeBuffer(a), db = try be.makeBuffer(b), dc = try be.makeBuffer(count: a.count)
    try be.binary(op, da, db, into: dc, count: a.count)
    #expect(try be.download(dc) == zip(a, b).map(f))
    let vr = Array(b[0..<cols]), vc = Array(b[0..<rows])
    try be.broadcast(op, da, try be.makeBuffer(vr), into: dc, rows: rows, cols: cols, axis: .row)
    #expect(try be.download(dc) == a.indices.map { f(a[$0], vr[$0 % cols]) })
    try be.broadcast(op, da, try be.makeBuffer(vc), into: da, rows: rows, cols: cols, axis: .column)  // aliasing
    #expect(try be.download(da) == a.indices.map { f(a[$0], vc[$0 / cols]) })
  }

  @Test func axpyFillCopyGather() throws {
    let be = try OCL.backend()
    let x = OCL.data(203, seed: 15), y = OCL.data(203, seed: 16)
    let dx = try be.makeBuffer(x), dy = try be.makeBuffer(y)
    try be.axpy(alpha: -0.75, dx, dy, count: 203)
    #expect(try be.download(dy) == zip(x, y).map { $1 + -0.75 * $0 })

    try be.fill(dy, value: 3.5, offset: 10, count: 20)
    let filled = try be.download(dy)
    #expect(filled[10..<30].allSatisfy { $0 == 3.5 } && filled[9] != 3.5 && filled[30] != 3.5)

    try be.copy(dx, srcOffset: 5, to: dy, dstOffset: 100, count: 50)
    #expect(Array(try be.download(dy)[100..<150]) == Array(x[5..<55]))
    try be.copy(dx, srcOffset: 0, to: dx, dstOffset: 3, count: 100)     // overlapping: memmove semantics
    var moved = x
    moved.replaceSubrange(3..<103, with: x[0..<100])
    #expect(try be.download(dx) == moved)

    let cols = 7, src = OCL.data(5 * cols, seed: 17)
    let indices: [Int32] = [4, 0, 4, 2]
    let out = try be.makeBuffer(count: indices.count * cols)
    try be.gatherRows(try be.makeBuffer(src), indices: indices, cols: cols, into: out)
    #expect(try be.download(out) == indices.flatMap { src[Int($0) * cols ..< (Int($0) + 1) * cols] })
  }

  @Test func zeroSizedWorkIsANoOp() throws {
    let be = try OCL.backend()
    let empty = try be.makeBuffer(count: 0), one = try be.makeBuffer([2])
    try be.unary(.exp, empty, into: empty, count: 0)
    try be.binary(.add, one, one, into: one, count: 0)
    try be.fill(one, value: 9, offset: 1, count: 0)
    try be.gatherRows(one, indices: [], cols: 1, into: empty)
    try be.rows(.softmax, empty, into: empty, rows: 0, cols: 5)
    try be.random(.rademacher, key: PhiloxKey(seed: 1), counter: 0, into: empty, count: 0)
    #expect(try be.download(one) == [2])
  }
}
