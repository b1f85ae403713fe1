import Foundation
import GauntletCore

// Temporary plain-Swift backend for the zeroth-order tests until CPUBackend lands on main
// (adapted from the models tests' reference backend, with the perturbation ops filled in).

final class RefBuffer: DeviceBuffer, @unchecked Sendable {
  var data: [Float]
  let owner: ObjectIdentifier
  var count: Int { data.count }
  init(count: Int, owner: ObjectIdentifier) { data = [Float](repeating: 0, count: count); self.owner = owner }
}

final class ReferenceBackend: Backend, @unchecked Sendable {
  var name: String { "reference" }
  var deviceKind: DeviceKind { .cpu }

  private func buf(_ b: DeviceBuffer, _ n: Int, _ op: String) throws -> RefBuffer {
    try Validate.buffer(b, of: self, atLeast: n, op)
    return b as! RefBuffer
  }

  func makeBuffer(count: Int) throws -> DeviceBuffer { RefBuffer(count: count, owner: ObjectIdentifier(self)) }
  func upload(_ host: UnsafeBufferPointer<Float>, to buffer: DeviceBuffer, offset: Int) throws {
    try Validate.finite(host, "upload")
    let b = try buf(buffer, offset + host.count, "upload")
    for i in 0..<host.count { b.data[offset + i] = host[i] }
  }
  func download(_ buffer: DeviceBuffer, offset: Int, into host: UnsafeMutableBufferPointer<Float>) throws {
    let b = try buf(buffer, offset + host.count, "download")
    for i in 0..<host.count { host[i] = b.data[offset + i] }
  }
  func copy(_ src: DeviceBuffer, srcOffset: Int, to dst: DeviceBuffer, dstOffset: Int, count: Int) throws {
    let s = try buf(src, srcOffset + count, "copy"), d = try buf(dst, dstOffset + count, "copy")
    let tmp = Array(s.data[srcOffset..<srcOffset + count])
    for i in 0..<count { d.data[dstOffset + i] = tmp[i] }
  }
  func fill(_ buffer: DeviceBuffer, value: Float, offset: Int, count: Int) throws {
    let b = try buf(buffer, offset + count, "fill")
    for i in 0..<count { b.data[offset + i] = value }
  }
  func gatherRows(_ src: DeviceBuffer, indices: [Int32], cols: Int, into dst: DeviceBuffer) throws {
    let s = try buf(src, 0, "gather"), d = try buf(dst, indices.count * cols, "gather")
    try Validate.indices(indices, below: s.count / max(cols, 1), "gather")
    for (r, i) in indices.enumerated() { for j in 0..<cols { d.data[r * cols + j] = s.data[Int(i) * cols + j] } }
  }
  func gemm(_ a: DeviceBuffer, _ b: DeviceBuffer, into c: DeviceBuffer, _ s: GemmShape) throws {
    try s.validate(countA: a.count, countB: b.count, countC: c.count)
    let A = (a as! RefBuffer).data, B = (b as! RefBuffer).data
    let C = c as! RefBuffer
    for bt in 0..<s.batch {
      let oa = s.offsetA + bt * s.strideA, ob = s.offsetB + bt * s.strideB, oc = s.offsetC + bt * s.strideC
      for i in 0..<s.m { for j in 0..<s.n {
        var acc: Float = 0
        for p in 0..<s.k {
          let av = s.transA ? A[oa + p * s.m + i] : A[oa + i * s.k + p]
          let bv = s.transB ? B[ob + j * s.k + p] : B[ob + p * s.n + j]
          acc += av * bv
        }
        let old = s.beta == 0 ? 0 : s.beta * C.data[oc + i * s.n + j]
        C.data[oc + i * s.n + j] = s.alpha * acc + old
      } }
    }
  }
  static func f(_ op: UnaryOp, _ x: Float) -> Float {
    switch op {
    case .relu: return max(x, 0)
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
  static func df(_ op: UnaryOp, _ x: Float) -> Float {
    switch op {
    case .relu: return x > 0 ? 1 : 0
    case let .leakyRelu(s): return x > 0 ? 1 : s
    case .sigmoid: let y = f(.sigmoid, x); return y * (1 - y)
    case .tanh: let y = Foundation.tanh(x); return 1 - y * y
    case .exp: return Foundation.exp(x)
    case .log: return 1 / x
    case .sign: return 0
    case .abs: return f(.sign, x)
    case .square: return 2 * x
    case .sqrt: return 0.5 / x.squareRoot()
    case let .affine(a, _): return a
    case let .clamp(lo, hi): return x >= lo && x <= hi ? 1 : 0
    }
  }
  func unary(_ op: UnaryOp, _ x: DeviceBuffer, into y: DeviceBuffer, count: Int) throws {
    let X = try buf(x, count, "unary"), Y = try buf(y, count, "unary")
    for i in 0..<count { Y.data[i] = Self.f(op, X.data[i]) }
  }
  func unaryBackward(_ op: UnaryOp, x: DeviceBuffer, gradOutput: DeviceBuffer, into gradInput: DeviceBuffer, count: Int) throws {
    let X = try buf(x, count, "ub"), G = try buf(gradOutput, count, "ub"), D = try buf(gradInput, count, "ub")
    for i in 0..<count { D.data[i] = G.data[i] * Self.df(op, X.data[i]) }
  }
  static func g(_ op: BinaryOp, _ a: Float, _ b: Float) -> Float {
    switch op {
    case .add: return a + b
    case .sub: return a - b
    case .mul: return a * b
    case .div: return a / b
    case .min: return Swift.min(a, b)
    case .max: return Swift.max(a, b)
    }
  }
  func binary(_ op: BinaryOp, _ a: DeviceBuffer, _ b: DeviceBuffer, into c: DeviceBuffer, count: Int) throws {
    let A = try buf(a, count, "binary").data, B = try buf(b, count, "binary").data, C = try buf(c, count, "binary")
    for i in 0..<count { C.data[i] = Self.g(op, A[i], B[i]) }
  }
  func broadcast(_ op: BinaryOp, _ matrix: DeviceBuffer, _ vector: DeviceBuffer, into out: DeviceBuffer,
                 rows: Int, cols: Int, axis: BroadcastAxis) throws {
    let M = try buf(matrix, rows * cols, "bc").data, V = try buf(vector, axis == .row ? cols : rows, "bc").data
    let O = try buf(out, rows * cols, "bc")
    for r in 0..<rows { for c in 0..<cols { O.data[r * cols + c] = Self.g(op, M[r * cols + c], axis == .row ? V[c] : V[r]) } }
  }
  func axpy(alpha: Float, _ x: DeviceBuffer, _ y: DeviceBuffer, count: Int) throws {
    let X = try buf(x, count, "axpy").data, Y = try buf(y, count, "axpy")
    for i in 0..<count { Y.data[i] += alpha * X[i] }
  }
  func rows(_ op: RowOp, _ x: DeviceBuffer, into y: DeviceBuffer, rows: Int, cols: Int) throws {
    try Validate.rowOp(op, cols: cols)
    let X = try buf(x, rows * cols, "rows").data
    let per = op.outputsPerRow(cols: cols)
    let Y = try buf(y, rows * per, "rows")
    for r in 0..<rows {
      let row = Array(X[(r * cols)..<((r + 1) * cols)])
      var out: [Float]
      switch op {
      case .softmax, .logSoftmax:
        let m = row.max() ?? 0
        let s = row.reduce(Float(0)) { $0 + Foundation.exp($1 - m) }
        out = op == .softmax ? row.map { Foundation.exp($0 - m) / s } : row.map { $0 - m - Foundation.log(s) }
      case .sum: out = [row.reduce(0, +)]
      case .max: out = [row.max() ?? 0]
      case .argmax:
        var bi = 0
        for i in row.indices where row[i] > row[bi] { bi = i }
        out = [Float(bi)]
      case .l2Norm: out = [row.reduce(0) { $0 + $1 * $1 }.squareRoot()]
      case .linfNorm: out = [row.map { Swift.abs($0) }.max() ?? 0]
      case let .topKMask(k):
        let order = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
        out = [Float](repeating: 0, count: cols)
        for i in order.prefix(k) { out[i] = 1 }
      case let .round(d):
        let p = Float(pow(10.0, Double(d)))
        out = row.map { ($0 * p).rounded(.toNearestOrAwayFromZero) / p }
      }
      for j in 0..<per { Y.data[r * per + j] = out[j] }
    }
  }
  func random(_ distribution: Distribution, key: PhiloxKey, counter: UInt64, into buffer: DeviceBuffer, count: Int) throws {
    let b = try buf(buffer, count, "random")
    let v = Philox.fill(distribution, key: key, counter: counter, count: count)
    for i in 0..<count { b.data[i] = v[i] }
  }
  func perturbRows(base: DeviceBuffer, directions: DeviceBuffer, sigma: Float, antithetic: Bool, into out: DeviceBuffer,
                   samples: Int, directionsPerSample q: Int, dim: Int) throws {
    let B = try buf(base, samples * dim, "pr").data, U = try buf(directions, samples * q * dim, "pr").data
    let O = try buf(out, (antithetic ? 2 : 1) * samples * q * dim, "pr")
    for s in 0..<samples { for j in 0..<q {
      let r = s * q + j
      for i in 0..<dim {
        let b = B[s * dim + i], u = U[r * dim + i]
        if antithetic { O.data[2 * r * dim + i] = b + sigma * u; O.data[(2 * r + 1) * dim + i] = b - sigma * u }
        else { O.data[r * dim + i] = b + sigma * u }
      }
    } }
  }
  func perturbCoordinates(base: DeviceBuffer, indices: [Int32], h: Float, into out: DeviceBuffer, samples: Int,
                          coordinatesPerSample c: Int, dim: Int) throws {
    try Validate.indices(indices, below: dim, "pc")
    let B = try buf(base, samples * dim, "pc").data, O = try buf(out, 2 * samples * c * dim, "pc")
    for s in 0..<samples { for k in 0..<c {
      let j = s * c + k
      for i in 0..<dim { O.data[2 * j * dim + i] = B[s * dim + i]; O.data[(2 * j + 1) * dim + i] = B[s * dim + i] }
      let e = Int(indices[j])
      O.data[2 * j * dim + e] += h; O.data[(2 * j + 1) * dim + e] -= h
    } }
  }
  func stepProject(x: DeviceBuffer, direction: DeviceBuffer, origin: DeviceBuffer, stepSize: Float, epsilon: Float,
                   norm: Norm, lo: Float, hi: Float, into out: DeviceBuffer, rows: Int, cols: Int) throws {
    try Validate.projection(stepSize: stepSize, epsilon: epsilon, lo: lo, hi: hi)
    let X = try buf(x, rows * cols, "sp").data, D = try buf(direction, rows * cols, "sp").data
    let Or = try buf(origin, rows * cols, "sp").data, O = try buf(out, rows * cols, "sp")
    for r in 0..<rows {
      var delta = (0..<cols).map { X[r * cols + $0] + stepSize * D[r * cols + $0] - Or[r * cols + $0] }
      switch norm {
      case .linf: delta = delta.map { Swift.min(Swift.max($0, -epsilon), epsilon) }
      case .l2:
        let n = delta.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if n > epsilon { delta = delta.map { $0 * (epsilon / n) } }
      }
      for i in 0..<cols { O.data[r * cols + i] = Swift.min(Swift.max(Or[r * cols + i] + delta[i], lo), hi) }
    }
  }
  func im2col(_ input: DeviceBuffer, into columns: DeviceBuffer, _ s: ConvShape) throws {
    try s.validate("im2col")
    let X = try buf(input, s.inputCount, "im2col").data, C = try buf(columns, s.columnsCount, "im2col")
    let (oh, ow) = (s.outHeight, s.outWidth), L = oh * ow
    for b in 0..<s.batch { for c in 0..<s.channels { for i in 0..<s.kernelH { for j in 0..<s.kernelW {
      let row = (c * s.kernelH + i) * s.kernelW + j
      for y in 0..<oh { for x in 0..<ow {
        let h = y * s.strideH - s.padH + i, w = x * s.strideW - s.padW + j
        let v: Float = (h >= 0 && h < s.height && w >= 0 && w < s.width) ? X[((b * s.channels + c) * s.height + h) * s.width + w] : 0
        C.data[(b * s.patchSize + row) * L + y * ow + x] = v
      } }
    } } } }
  }
  func col2im(_ columns: DeviceBuffer, into input: DeviceBuffer, _ s: ConvShape) throws {
    try s.validate("col2im")
    let C = try buf(columns, s.columnsCount, "col2im").data, X = try buf(input, s.inputCount, "col2im")
    for i in 0..<s.inputCount { X.data[i] = 0 }
    let (oh, ow) = (s.outHeight, s.outWidth), L = oh * ow
    for b in 0..<s.batch { for c in 0..<s.channels { for i in 0..<s.kernelH { for j in 0..<s.kernelW {
      let row = (c * s.kernelH + i) * s.kernelW + j
      for y in 0..<oh { for x in 0..<ow {
        let h = y * s.strideH - s.padH + i, w = x * s.strideW - s.padW + j
        if h >= 0 && h < s.height && w >= 0 && w < s.width {
          X.data[((b * s.channels + c) * s.height + h) * s.width + w] += C[(b * s.patchSize + row) * L + y * ow + x]
        }
      } }
    } } } }
  }
  private func pool(_ s: ConvShape, _ body: (_ plane: Int, _ o: Int, _ cells: [Int]) -> Void) {
    for p in 0..<(s.batch * s.channels) { for y in 0..<s.outHeight { for x in 0..<s.outWidth {
      var cells: [Int] = []
      for i in 0..<s.kernelH { for j in 0..<s.kernelW {
        let h = y * s.strideH - s.padH + i, w = x * s.strideW - s.padW + j
        cells.append(h >= 0 && h < s.height && w >= 0 && w < s.width ? h * s.width + w : -1)
      } }
      body(p, (p * s.outHeight + y) * s.outWidth + x, cells)
    } } }
  }
  func maxPool(_ input: DeviceBuffer, into output: DeviceBuffer, argmax: DeviceBuffer, _ s: ConvShape) throws {
    let X = try buf(input, s.inputCount, "mp").data, Y = try buf(output, s.pooledCount, "mp"), A = try buf(argmax, s.pooledCount, "mp")
    let hw = s.height * s.width
    pool(s) { p, o, cells in
      var best = -Float.infinity, bi = 0
      for c in cells where c >= 0 && X[p * hw + c] > best { best = X[p * hw + c]; bi = c }
      Y.data[o] = best; A.data[o] = Float(bi)
    }
  }
  func maxPoolBackward(gradOutput: DeviceBuffer, argmax: DeviceBuffer, into gradInput: DeviceBuffer, _ s: ConvShape) throws {
    let G = try buf(gradOutput, s.pooledCount, "mpb").data, A = try buf(argmax, s.pooledCount, "mpb").data
    let D = try buf(gradInput, s.inputCount, "mpb")
    for i in 0..<s.inputCount { D.data[i] = 0 }
    let hw = s.height * s.width
    pool(s) { p, o, _ in D.data[p * hw + Int(A[o])] += G[o] }
  }
  func avgPool(_ input: DeviceBuffer, into output: DeviceBuffer, _ s: ConvShape) throws {
    let X = try buf(input, s.inputCount, "ap").data, Y = try buf(output, s.pooledCount, "ap")
    let hw = s.height * s.width, div = Float(s.kernelH * s.kernelW)
    pool(s) { p, o, cells in Y.data[o] = cells.filter { $0 >= 0 }.reduce(Float(0)) { $0 + X[p * hw + $1] } / div }
  }
  func avgPoolBackward(gradOutput: DeviceBuffer, into gradInput: DeviceBuffer, _ s: ConvShape) throws {
    let G = try buf(gradOutput, s.pooledCount, "apb").data, D = try buf(gradInput, s.inputCount, "apb")
    for i in 0..<s.inputCount { D.data[i] = 0 }
    let hw = s.height * s.width, div = Float(s.kernelH * s.kernelW)
    pool(s) { p, o, cells in for c in cells where c >= 0 { D.data[p * hw + c] += G[o] / div } }
  }
  func synchronize() throws {}
}
