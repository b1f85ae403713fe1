import Foundation
import GauntletCore

/// Work size below which transcendental element-wise ops stay serial (each costs ~10× a load).
let transcendentalMinimum = 8_192

extension CPUBackend {
  /// `y[i] = f(x[i])` over `0..<n`, in parallel chunks when large. Inlined with a literal `f`, the
  /// loop vectorises for arithmetic ops; `x` and `y` may alias (each element is read before written).
  @inline(__always)
  func map(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, minimum: Int = 32_768,
           _ f: (Float) -> Float) {
    parallelFor(n, minimum: minimum) { r in for i in r { y[i] = f(x[i]) } }
  }

  /// `z[i] = f(x[i], y[i])` over `0..<n`; `z` may alias either input.
  @inline(__always)
  func zip(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafeMutablePointer<Float>, _ n: Int,
           minimum: Int = 32_768, _ f: (Float, Float) -> Float) {
    parallelFor(n, minimum: minimum) { r in for i in r { z[i] = f(x[i], y[i]) } }
  }

  static func validate(_ op: UnaryOp) throws {
    switch op {
    case let .leakyRelu(slope): try Validate.finite(slope, "slope")
    case let .affine(scale, shift): try Validate.finite(scale, "scale"); try Validate.finite(shift, "shift")
    case let .clamp(lo, hi):
      guard !lo.isNaN, !hi.isNaN, lo <= hi else {
        throw GauntletError.invalidArgument(name: "lo/hi", detail: "clamp needs lo ≤ hi, got [\(lo), \(hi)]")
      }
    default: return
    }
  }

  public func unary(_ op: UnaryOp, _ x: DeviceBuffer, into y: DeviceBuffer, count: Int) throws {
    try Self.validate(op)
    let px = UnsafePointer(try storage(x, count, "unary", "x"))
    let py = try storage(y, count, "unary", "y")
    let n = count, t = transcendentalMinimum
    switch op {
    case .relu: map(px, py, n) { $0 > 0 ? $0 : 0 }
    case let .leakyRelu(s): map(px, py, n) { $0 > 0 ? $0 : s * $0 }
    case .sigmoid: map(px, py, n, minimum: t) { 1 / (1 + exp(-$0)) }
    case .tanh: map(px, py, n, minimum: t) { tanh($0) }
    case .exp: map(px, py, n, minimum: t) { exp($0) }
    case .log: map(px, py, n, minimum: t) { log($0) }
    case .sign: map(px, py, n) { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
    case .abs: map(px, py, n) { Swift.abs($0) }
    case .square: map(px, py, n) { $0 * $0 }
    case .sqrt: map(px, py, n) { $0.squareRoot() }
    case let .affine(a, b): map(px, py, n) { a * $0 + b }
    case let .clamp(lo, hi): map(px, py, n) { Swift.min(Swift.max($0, lo), hi) }
    }
  }

  public func unaryBackward(_ op: UnaryOp, x: DeviceBuffer, gradOutput: DeviceBuffer,
                            into gradInput: DeviceBuffer, count: Int) throws {
    try Self.validate(op)
    let px = UnsafePointer(try storage(x, count, "unaryBackward", "x"))
    let pg = UnsafePointer(try storage(gradOutput, count, "unaryBackward", "gradOutput"))
    let po = try storage(gradInput, count, "unaryBackward", "gradInput")
    let n = count, t = transcendentalMinimum
    switch op {
    case .relu: zip(px, pg, po, n) { x, g in x > 0 ? g : 0 }
    case let .leakyRelu(s): zip(px, pg, po, n) { x, g in x > 0 ? g : s * g }
    case .sigmoid:
      zip(px, pg, po, n, minimum: t) { x, g in let s = 1 / (1 + exp(-x)); return g * (s * (1 - s)) }
    case .tanh: zip(px, pg, po, n, minimum: t) { x, g in let h = tanh(x); return g * (1 - h * h) }
    case .exp: zip(px, pg, po, n, minimum: t) { x, g in g * exp(x) }
    case .log: zip(px, pg, po, n) { x, g in g / x }
    case .sign: zip(px, pg, po, n) { _, _ in 0 }
    case .abs: zip(px, pg, po, n) { x, g in x > 0 ? g : (x < 0 ? -g : 0) }
    case .square: zip(px, pg, po, n) { x, g in g * (2 * x) }
    case .sqrt: zip(px, pg, po, n) { x, g in g * (0.5 / x.squareRoot()) }
    case let .affine(a, _): zip(px, pg, po, n) { _, g in g * a }
    case let .clamp(lo, hi): zip(px, pg, po, n) { x, g in x >= lo && x <= hi ? g : 0 }
    }
  }

  public func binary(_ op: BinaryOp, _ a: DeviceBuffer, _ b: DeviceBuffer, into c: DeviceBuffer, count: Int) throws {
    let pa = UnsafePointer(try storage(a, count, "binary", "a"))
    let pb = UnsafePointer(try storage(b, count, "binary", "b"))
    let pc = try storage(c, count, "binary", "c")
    switch op {
    case .add: zip(pa, pb, pc, count) { $0 + $1 }
    case .sub: zip(pa, pb, pc, count) { $0 - $1 }
    case .mul: zip(pa, pb, pc, count) { $0 * $1 }
    case .div: zip(pa, pb, pc, count) { $0 / $1 }
    case .min: zip(pa, pb, pc, count) { $1 < $0 ? $1 : $0 }
    case .max: zip(pa, pb, pc, count) { $1 > $0 ? $1 : $0 }
    }
  }

  public func broadcast(_ op: BinaryOp, _ matrix: DeviceBuffer, _ vector: DeviceBuffer, into out: DeviceBuffer,
                        rows: Int, cols: Int, axis: BroadcastAxis) throws {
    try Validate.sizes("broadcast", ("rows", rows), ("cols", cols))
    let total = try Extent.product(rows, cols, "broadcast")
    let pm = UnsafePointer(try storage(matrix, total, "broadcast", "matrix"))
    let pv = UnsafePointer(try storage(vector, axis == .row ? cols : rows, "broadcast", "vector"))
    let po = try storage(out, total, "broadcast", "out")
    guard total > 0 else { return }
    switch op {
    case .add: broadcastRows(pm, pv, po, rows, cols, axis) { $0 + $1 }
    case .sub: broadcastRows(pm, pv, po, rows, cols, axis) { $0 - $1 }
    case .mul: broadcastRows(pm, pv, po, rows, cols, axis) { $0 * $1 }
    case .div: broadcastRows(pm, pv, po, rows, cols, axis) { $0 / $1 }
    case .min: broadcastRows(pm, pv, po, rows, cols, axis) { $1 < $0 ? $1 : $0 }
    case .max: broadcastRows(pm, pv, po, rows, cols, axis) { $1 > $0 ? $1 : $0 }
    }
  }

  @inline(__always)
  func broadcastRows(_ m: UnsafePointer<Float>, _ v: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>,
                     _ rows: Int, _ cols: Int, _ axis: BroadcastAxis, _ f: (Float, Float) -> Float) {
    parallelFor(rows, minimum: Swift.max(1, 32_768 / cols), align: 1) { r in
      for row in r {
        let mr = m + row * cols, orow = o + row * cols
        if axis == .row {
          for j in 0..<cols { orow[j] = f(mr[j], v[j]) }
        } else {
          let s = v[row]
          for j in 0..<cols { orow[j] = f(mr[j], s) }
        }
      }
    }
  }

  public func axpy(alpha: Float, _ x: DeviceBuffer, _ y: DeviceBuffer, count: Int) throws {
    try Validate.finite(alpha, "alpha")
    let px = UnsafePointer(try storage(x, count, "axpy", "x"))
    let py = try storage(y, count, "axpy", "y")
    zip(px, UnsafePointer(py), py, count) { x, y in y + alpha * x }
  }
}
