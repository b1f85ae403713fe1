/// Element-wise functions of one argument. `unary` applies `f`; `unaryBackward` multiplies an
/// upstream gradient by `f′(x)`.
public enum UnaryOp: Sendable, Hashable, CustomStringConvertible {
  case relu
  /// `x > 0 ? x : slope·x`.
  case leakyRelu(slope: Float)
  case sigmoid
  case tanh
  case exp
  /// Natural log; `log(0) = -inf`, negative inputs give NaN (as IEEE); callers validate domains.
  case log
  /// `-1, 0, +1` (and `0` for ±0). Derivative is 0.
  case sign
  case abs
  case square
  case sqrt
  /// `scale·x + shift`.
  case affine(scale: Float, shift: Float)
  /// `min(max(x, lo), hi)`.
  case clamp(lo: Float, hi: Float)

  public var description: String {
    switch self {
    case .relu: return "relu"
    case let .leakyRelu(s): return "leakyRelu(\(s))"
    case .sigmoid: return "sigmoid"
    case .tanh: return "tanh"
    case .exp: return "exp"
    case .log: return "log"
    case .sign: return "sign"
    case .abs: return "abs"
    case .square: return "square"
    case .sqrt: return "sqrt"
    case let .affine(a, b): return "affine(\(a),\(b))"
    case let .clamp(lo, hi): return "clamp(\(lo),\(hi))"
    }
  }
}

/// Element-wise functions of two arguments of equal length.
public enum BinaryOp: String, Sendable, Hashable, CaseIterable {
  case add, sub, mul, div, min, max
}

/// How a vector is broadcast against a `rows × cols` matrix.
public enum BroadcastAxis: String, Sendable, Hashable {
  /// The vector has `cols` entries and is applied to every row (bias add).
  case row
  /// The vector has `rows` entries, one scalar per row (per-sample scaling).
  case column
}

/// Operations over each row of a row-major `rows × cols` matrix.
public enum RowOp: Sendable, Hashable, CustomStringConvertible {
  case softmax
  case logSoftmax
  case sum
  case max
  /// Index of the largest entry as a Float (exact below 2²⁴); ties go to the lowest index.
  case argmax
  case l2Norm
  case linfNorm
  /// 1 where the entry is among the row's k largest (ties to the lowest index), else 0.
  case topKMask(k: Int)
  /// Round to `decimals` decimal places, half away from zero: `round(x·10^d) / 10^d`.
  case round(decimals: Int)

  /// Number of outputs each row produces.
  public func outputsPerRow(cols: Int) -> Int {
    switch self {
    case .softmax, .logSoftmax, .topKMask, .round: return cols
    case .sum, .max, .argmax, .l2Norm, .linfNorm: return 1
    }
  }

  public var description: String {
    switch self {
    case .softmax: return "softmax"
    case .logSoftmax: return "logSoftmax"
    case .sum: return "sum"
    case .max: return "max"
    case .argmax: return "argmax"
    case .l2Norm: return "l2Norm"
    case .linfNorm: return "linfNorm"
    case let .topKMask(k): return "topKMask(\(k))"
    case let .round(d): return "round(\(d))"
    }
  }
}

/// The norm of a perturbation budget.
public enum Norm: String, Sendable, Hashable, CaseIterable, Codable {
  case linf, l2
}

/// Distributions the counter-based RNG can fill a buffer with.
public enum Distribution: Sendable, Hashable {
  /// Uniform on `[lo, hi)`: `lo + (hi − lo)·u`, `u = (bits >> 8)·2⁻²⁴`.
  case uniform(lo: Float, hi: Float)
  /// Normal via Box–Muller on hand-written `log`/`sincos` (bit-identical on every backend).
  case normal(mean: Float, std: Float)
  /// ±1 with probability ½ each: `+1` when the top bit is 0.
  case rademacher
}
