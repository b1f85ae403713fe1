import Foundation
import GauntletCore

/// Plain-Swift reference implementations: naive loops, `Double` arithmetic, written from the
/// `Backend` doc comments and independent of any backend. Each returns the expected result and,
/// where the tolerance is relative to a magnitude, that magnitude per element.
enum Reference {
  /// Whole C buffer after the GEMM (entries outside the matrices keep their old value) and the
  /// per-entry error scale `|α|·Σ|a||b| + |β||c|`.
  static func gemm(_ s: GemmShape, a: [Float], b: [Float], c: [Float]) -> (value: [Double], scale: [Double]) {
    var out = c.map(Double.init), scale = c.map { Swift.abs(Double($0)) }
    for bt in 0..<s.batch {
      for i in 0..<s.m {
        for j in 0..<s.n {
          var acc = 0.0, mag = 0.0
          for l in 0..<s.k {
            let av = Double(a[s.offsetA + bt * s.strideA + (s.transA ? l * s.m + i : i * s.k + l)])
            let bv = Double(b[s.offsetB + bt * s.strideB + (s.transB ? j * s.k + l : l * s.n + j)])
            acc += av * bv; mag += Swift.abs(av * bv)
          }
          let ci = s.offsetC + bt * s.strideC + i * s.n + j
          let old = Double(c[ci])
          let alpha = Double(s.alpha), beta = Double(s.beta)
          out[ci] = alpha * acc + (beta == 0 ? 0 : beta * old)
          scale[ci] = Swift.abs(alpha) * mag + (beta == 0 ? 0 : Swift.abs(beta * old))
        }
      }
    }
    return (out, scale)
  }

  static func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

  static func unary(_ op: UnaryOp, _ x: Double) -> Double {
    switch op {
    case .relu: return x > 0 ? x : 0
    case let .leakyRelu(s): return x > 0 ? x : Double(s) * x
    case .sigmoid: return sigmoid(x)
    case .tanh: return Foundation.tanh(x)
    case .exp: return Foundation.exp(x)
    case .log: return Foundation.log(x)
    case .sign: return x > 0 ? 1 : (x < 0 ? -1 : 0)
    case .abs: return Swift.abs(x)
    case .square: return x * x
    case .sqrt: return x.squareRoot()
    case let .affine(a, b): return Double(a) * x + Double(b)
    case let .clamp(lo, hi): return Swift.min(Swift.max(x, Double(lo)), Double(hi))
    }
  }

  /// `g · f′(x)` with the conventions of `Backend.unaryBackward`.
  static func unaryBackward(_ op: UnaryOp, _ x: Double, _ g: Double) -> Double {
    switch op {
    case .relu: return x > 0 ? g : 0
    case let .leakyRelu(s): return x > 0 ? g : g * Double(s)
    case .sigmoid: let s = sigmoid(x); return g * s * (1 - s)
    case .tanh: let t = Foundation.tanh(x); return g * (1 - t * t)
    case .exp: return g * Foundation.exp(x)
    case .log: return g / x
    case .sign: return 0
    case .abs: return x > 0 ? g : (x < 0 ? -g : 0)
    case .square: return g * 2 * x
    case .sqrt: return g * 0.5 / x.squareRoot()
    case let .affine(a, _): return g * Double(a)
    case let .clamp(lo, hi): return x >= Double(lo) && x <= Double(hi) ? g : 0
    }
  }

  static func binary(_ op: BinaryOp, _ a: Double, _ b: Double) -> Double {
    switch op {
    case .add: return a + b
    case .sub: return a - b
    case .mul: return a * b
    case .div: return a / b
    case .min: return Swift.min(a, b)
    case .max: return Swift.max(a, b)
    }
  }

  /// One row of a `RowOp`: the expected outputs and their error scales.
  static func row(_ op: RowOp, _ x: [Float]) -> (value: [Double], scale: [Double]) {
    let d = x.map(Double.init)
    let n = d.count
    switch op {
    case .softmax, .logSoftmax:
      let m = d.max() ?? 0
      let e = d.map { Foundation.exp($0 - m) }
      let s = e.reduce(0, +)
      if case .softmax = op { let p = e.map { $0 / s }; return (p, p.map(Swift.abs)) }
      let l = d.map { ($0 - m) - Foundation.log(s) }
      return (l, l.map { Swift.max(Swift.abs($0), 1) })
    case .sum: return ([d.reduce(0, +)], [d.reduce(0) { $0 + Swift.abs($1) }])
    case .max: let m = d.max() ?? 0; return ([m], [Swift.abs(m)])
    case .argmax:
      var at = 0
      for j in 0..<n where d[j] > d[at] { at = j }
      return ([Double(at)], [1])
    case .l2Norm: let v = d.reduce(0) { $0 + $1 * $1 }.squareRoot(); return ([v], [v])
    case .linfNorm: let v = d.map(Swift.abs).max() ?? 0; return ([v], [v])
    case let .topKMask(k):
      // Rank by (value descending, index ascending); the first k win.
      let order = (0..<n).sorted { d[$0] != d[$1] ? d[$0] > d[$1] : $0 < $1 }
      var mask = [Double](repeating: 0, count: n)
      for j in order.prefix(k) { mask[j] = 1 }
      return (mask, [Double](repeating: 1, count: n))
    case let .round(decimals):
      // The documented Float formula round(x·10^d)/10^d, half away from zero.
      var p: Float = 1
      for _ in 0..<decimals { p *= 10 }
      let r = x.map { Double(($0 * p).rounded(.toNearestOrAwayFromZero) / p) }
      return (r, r.map(Swift.abs))
    }
  }
}
