import Foundation
import GauntletCore

/// Work size below which transcendental element-wise ops stay serial (each costs ~10× a load).
let transcendentalMinimum = 8_192

// Every op spells its loop inside the `parallelFor` chunk closure, over captured pointers. Passing
// the element function as a second closure leaves it un-inlined on the parallel path (measured: 7×
// slower for relu at 4M elements); a plain loop vectorises on both paths. Inputs are read before
// the output element is written, so outputs may alias inputs.
extension CPUBackend {
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
    let x = UnsafePointer(try storage(x, count, "unary", "x"))
    let y = try storage(y, count, "unary", "y")
    let n = count, t = transcendentalMinimum
    switch op {
    case .relu: parallelFor(n) { r in for i in r { y[i] = x[i] > 0 ? x[i] : 0 } }
    case let .leakyRelu(s): parallelFor(n) { r in for i in r { y[i] = x[i] > 0 ? x[i] : s * x[i] } }
    case .sigmoid: parallelFor(n, minimum: t) { r in for i in r { y[i] = 1 / (1 + exp(-x[i])) } }
    case .tanh: parallelFor(n, minimum: t) { r in for i in r { y[i] = tanh(x[i]) } }
    case .exp: parallelFor(n, minimum: t) { r in for i in r { y[i] = exp(x[i]) } }
    case .log: parallelFor(n, minimum: t) { r in for i in r { y[i] = log(x[i]) } }
    case .sign: parallelFor(n) { r in for i in r { y[i] = x[i] > 0 ? 1 : (x[i] < 0 ? -1 : 0) } }
    case .abs: parallelFor(n) { r in for i in r { y[i] = Swift.abs(x[i]) } }
    case .square: parallelFor(n) { r in for i in r { y[i] = x[i] * x[i] } }
    case .sqrt: parallelFor(n) { r in for i in r { y[i] = x[i].squareRoot() } }
    case let .affine(a, b): parallelFor(n) { r in for i in r { y[i] = a * x[i] + b } }
    case let .clamp(lo, hi): parallelFor(n) { r in for i in r { y[i] = Swift.min(Swift.max(x[i], lo), hi) } }
    }
  }

  public func unaryBackward(_ op: UnaryOp, x: DeviceBuffer, gradOutput: DeviceBuffer,
                            into gradInput: DeviceBuffer, count: Int) throws {
    try Self.validate(op)
    let x = UnsafePointer(try storage(x, count, "unaryBackward", "x"))
    let g = UnsafePointer(try storage(gradOutput, count, "unaryBackward", "gradOutput"))
    let o = try storage(gradInput, count, "unaryBackward", "gradInput")
    let n = count, t = transcendentalMinimum
    switch op {
    case .relu: parallelFor(n) { r in for i in r { o[i] = x[i] > 0 ? g[i] : 0 } }
    case let .leakyRelu(s): parallelFor(n) { r in for i in r { o[i] = x[i] > 0 ? g[i] : s * g[i] } }
    case .sigmoid:
      parallelFor(n, minimum: t) { r in for i in r { let s = 1 / (1 + exp(-x[i])); o[i] = g[i] * (s * (1 - s)) } }
    case .tanh: parallelFor(n, minimum: t) { r in for i in r { let h = tanh(x[i]); o[i] = g[i] * (1 - h * h) } }
    case .exp: parallelFor(n, minimum: t) { r in for i in r { o[i] = g[i] * exp(x[i]) } }
    case .log: parallelFor(n) { r in for i in r { o[i] = g[i] / x[i] } }
    case .sign: parallelFor(n) { r in for i in r { o[i] = 0 } }
    case .abs: parallelFor(n) { r in for i in r { o[i] = x[i] > 0 ? g[i] : (x[i] < 0 ? -g[i] : 0) } }
    case .square: parallelFor(n) { r in for i in r { o[i] = g[i] * (2 * x[i]) } }
    case .sqrt: parallelFor(n) { r in for i in r { o[i] = g[i] * (0.5 / x[i].squareRoot()) } }
    case let .affine(a, _): parallelFor(n) { r in for i in r { o[i] = g[i] * a } }
    case let .clamp(lo, hi): parallelFor(n) { r in for i in r { o[i] = x[i] >= lo && x[i] <= hi ? g[i] : 0 } }
    }
  }

  public func binary(_ op: BinaryOp, _ a: DeviceBuffer, _ b: DeviceBuffer, into c: DeviceBuffer, count: Int) throws {
    let a = UnsafePointer(try storage(a, count, "binary", "a"))
    let b = UnsafePointer(try storage(b, count, "binary", "b"))
    let c = try storage(c, count, "binary", "c")
    let n = count
    switch op {
    case .add: parallelFor(n) { r in for i in r { c[i] = a[i] + b[i] } }
    case .sub: parallelFor(n) { r in for i in r { c[i] = a[i] - b[i] } }
    case .mul: parallelFor(n) { r in for i in r { c[i] = a[i] * b[i] } }
    case .div: parallelFor(n) { r in for i in r { c[i] = a[i] / b[i] } }
    case .min: parallelFor(n) { r in for i in r { c[i] = b[i] < a[i] ? b[i] : a[i] } }
    case .max: parallelFor(n) { r in for i in r { c[i] = b[i] > a[i] ? b[i] : a[i] } }
    }
  }

  public func broadcast(_ op: BinaryOp, _ matrix: DeviceBuffer, _ vector: DeviceBuffer, into out: DeviceBuffer,
                        rows: Int, cols: Int, axis: BroadcastAxis) throws {
    if rows < 0 || cols < 0 { try Validate.sizes("broadcast", ("rows", rows), ("cols", cols)) }
    let total = try Extent.product(rows, cols, "broadcast")
    let m = UnsafePointer(try storage(matrix, total, "broadcast", "matrix"))
    let v = UnsafePointer(try storage(vector, axis == .row ? cols : rows, "broadcast", "vector"))
    let o = try storage(out, total, "broadcast", "out")
    guard total > 0 else { return }
    let minRows = Swift.max(1, 32_768 / cols)
    // One loop per (op, axis), written out so each vectorises (row: a vector load; column: a scalar).
    switch (op, axis) {
    case (.add, .row): parallelFor(rows, minimum: minRows, align: 1) { rr in
      for row in rr { let a = m + row * cols, c = o + row * cols; for j in 0..<cols { let s = v[j]; c[j] = a[j] + s } } }
    case (.add, .column): parallelFor(rows, minimum: minRows, align: 1) { rr in
      for row in rr { let a = m + row * cols, c = o + row * cols, s = v[row]; for j in 0..<cols { c[j] = a[j] + s } } }
    case (.sub, .row): parallelFor(rows, minimum: minRows, align: 1) { rr in
      for row in rr { let a = m + row * cols, c = o + row * cols; for j in 0..<cols { let s = v[j]; c[j] = a[j] - s } } }
    case (.sub, .column): parallelFor(rows, minimum: minRows, align: 1) { rr in
      for row in rr { let a = m + row * cols, c = o + row * cols, s = v[row]; for j in 0..<cols { c[j] = a[j] - s } } }
    case (.mul, .row): parallelFor(rows, minimum: minRows, align: 1) { rr in
      for row in rr { let a = m + row * cols, c = o + row * cols; for j in 0..<cols { let s = v[j]; c[j] = a[j] * s } } }
    case (.mul, .column): parallelFor(rows, minimum: minRows, align: 1) { rr in
      for row in rr { let a = m + row * cols, c = o + row * cols, s = v[row]; for j in 0..<cols { c[j] = a[j] * s } } }
    case (.div, .row): parallelFor(rows, minimum: minRows, align: 1) { rr in
      for row in rr { let a = m + row * cols, c = o + row * cols; for j in 0..<cols { let s = v[j]; c[j] = a[j] / s } } }
    case (.div, .column): parallelFor(rows, minimum: minRows, align: 1) { rr in
      for row in rr { let a = m + row * cols, c = o + row * cols, s = v[row]; for j in 0..<cols { c[j] = a[j] / s } } }
    case (.min, .row): parallelFor(rows, minimum: minRows, align: 1) { rr in
      for row in rr { let a = m + row * cols, c = o + row * cols; for j in 0..<cols { let s = v[j]; c[j] = s < a[j] ? s : a[j] } } }
    case (.min, .column): parallelFor(rows, minimum: minRows, align: 1) { rr in
      for row in rr { let a = m + row * cols, c = o + row * cols, s = v[row]; for j in 0..<cols { c[j] = s < a[j] ? s : a[j] } } }
    case (.max, .row): parallelFor(rows, minimum: minRows, align: 1) { rr in
      for row in rr { let a = m + row * cols, c = o + row * cols; for j in 0..<cols { let s = v[j]; c[j] = s > a[j] ? s : a[j] } } }
    case (.max, .column): parallelFor(rows, minimum: minRows, align: 1) { rr in
      for row in rr { let a = m + row * cols, c = o + row * cols, s = v[row]; for j in 0..<cols { c[j] = s > a[j] ? s : a[j] } } }
    }
  }

  public func axpy(alpha: Float, _ x: DeviceBuffer, _ y: DeviceBuffer, count: Int) throws {
    try Validate.finite(alpha, "alpha")
    let x = UnsafePointer(try storage(x, count, "axpy", "x"))
    let y = try storage(y, count, "axpy", "y")
    parallelFor(count) { r in for i in r { y[i] = y[i] + alpha * x[i] } }
  }
}
