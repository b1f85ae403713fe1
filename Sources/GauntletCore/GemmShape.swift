/// A (batched) row-major GEMM: for each `b < batch`,
/// `C_b[m×n] = alpha · op(A_b) · op(B_b) + beta · C_b`.
///
/// `op(A)` is `m×k`: `A` is stored `m×k` (or `k×m` when `transA`), densely, row-major. Likewise
/// `op(B)` is `k×n`, stored `k×n` (or `n×k` when `transB`). Matrix `b` of each operand starts at
/// `offset + b·stride` elements into its buffer. When `beta == 0`, `C` is not read (NaN in C does
/// not propagate), as in BLAS.
public struct GemmShape: Sendable, Hashable, CustomStringConvertible {
  public var batch: Int
  public var m: Int
  public var n: Int
  public var k: Int
  public var transA: Bool
  public var transB: Bool
  public var alpha: Float
  public var beta: Float
  public var strideA: Int
  public var strideB: Int
  public var strideC: Int
  public var offsetA: Int
  public var offsetB: Int
  public var offsetC: Int

  /// A GEMM with packed strides (`m·k`, `k·n`, `m·n`) and zero offsets by default.
  public init(batch: Int = 1, m: Int, n: Int, k: Int, transA: Bool = false, transB: Bool = false,
              alpha: Float = 1, beta: Float = 0,
              strideA: Int? = nil, strideB: Int? = nil, strideC: Int? = nil,
              offsetA: Int = 0, offsetB: Int = 0, offsetC: Int = 0) {
    self.batch = batch; self.m = m; self.n = n; self.k = k
    self.transA = transA; self.transB = transB; self.alpha = alpha; self.beta = beta
    self.strideA = strideA ?? GemmShape.product(m, k)
    self.strideB = strideB ?? GemmShape.product(k, n)
    self.strideC = strideC ?? GemmShape.product(m, n)
    self.offsetA = offsetA; self.offsetB = offsetB; self.offsetC = offsetC
  }

  /// Leading dimensions of the stored (not transposed) operands.
  public var lda: Int { transA ? m : k }
  public var ldb: Int { transB ? k : n }
  public var ldc: Int { n }

  /// Elements each operand's buffer must hold at least (`Int.max` when that overflows, which no
  /// buffer satisfies, so `validate` rejects it instead of trapping).
  public var requiredA: Int { GemmShape.extent(batch, offsetA, strideA, GemmShape.product(m, k)) }
  public var requiredB: Int { GemmShape.extent(batch, offsetB, strideB, GemmShape.product(k, n)) }
  public var requiredC: Int { GemmShape.extent(batch, offsetC, strideC, GemmShape.product(m, n)) }

  /// Product of non-negative sizes, saturating at `Int.max` (so an absurd shape fails validation
  /// against real buffer sizes instead of trapping on overflow).
  static func product(_ factors: Int...) -> Int {
    var p = 1
    for f in factors {
      let (q, o) = p.multipliedReportingOverflow(by: f)
      if o { return Int.max }
      p = q
    }
    return p
  }

  /// `offset + (batch − 1)·stride + size`, 0 for empty work, saturating at `Int.max`.
  static func extent(_ batch: Int, _ offset: Int, _ stride: Int, _ size: Int) -> Int {
    guard batch > 0, size > 0 else { return 0 }
    let (s, o1) = (batch - 1).multipliedReportingOverflow(by: stride)
    let (t, o2) = offset.addingReportingOverflow(s)
    let (u, o3) = t.addingReportingOverflow(size)
    return o1 || o2 || o3 ? Int.max : u
  }

  /// Floating-point operations (2·m·n·k per matrix).
  public var flops: Double { 2 * Double(batch) * Double(m) * Double(n) * Double(k) }

  /// Throws unless sizes are non-negative and every buffer is large enough.
  public func validate(countA: Int, countB: Int, countC: Int) throws {
    guard batch >= 0, m >= 0, n >= 0, k >= 0, offsetA >= 0, offsetB >= 0, offsetC >= 0,
          strideA >= 0, strideB >= 0, strideC >= 0 else {
      throw GauntletError.shapeMismatch(operation: "gemm", detail: "negative size, stride or offset in \(self)")
    }
    guard countA >= requiredA, countB >= requiredB, countC >= requiredC else {
      throw GauntletError.shapeMismatch(
        operation: "gemm",
        detail: "\(self) needs A≥\(requiredA), B≥\(requiredB), C≥\(requiredC) elements; got \(countA), \(countB), \(countC)")
    }
  }

  public var description: String {
    "gemm(batch: \(batch), m: \(m), n: \(n), k: \(k), transA: \(transA), transB: \(transB), alpha: \(alpha), beta: \(beta))"
  }
}

/// Geometry of a 2-D convolution or pooling window over NCHW data (no dilation).
public struct ConvShape: Sendable, Hashable, CustomStringConvertible {
  public var batch: Int
  public var channels: Int
  public var height: Int
  public var width: Int
  public var kernelH: Int
  public var kernelW: Int
  public var strideH: Int
  public var strideW: Int
  public var padH: Int
  public var padW: Int

  public init(batch: Int, channels: Int, height: Int, width: Int, kernelH: Int, kernelW: Int,
              strideH: Int = 1, strideW: Int = 1, padH: Int = 0, padW: Int = 0) {
    self.batch = batch; self.channels = channels; self.height = height; self.width = width
    self.kernelH = kernelH; self.kernelW = kernelW; self.strideH = strideH; self.strideW = strideW
    self.padH = padH; self.padW = padW
  }

  public var outHeight: Int { (height + 2 * padH - kernelH) / strideH + 1 }
  public var outWidth: Int { (width + 2 * padW - kernelW) / strideW + 1 }
  /// Elements of the NCHW input.
  public var inputCount: Int { GemmShape.product(batch, channels, height, width) }
  /// Rows of one image's column matrix: `channels·kernelH·kernelW`.
  public var patchSize: Int { GemmShape.product(channels, kernelH, kernelW) }
  /// Elements of the im2col matrix for the whole batch: `batch × patchSize × (outH·outW)`.
  public var columnsCount: Int { GemmShape.product(batch, patchSize, outHeight, outWidth) }
  /// Elements of the pooled NCHW output.
  public var pooledCount: Int { GemmShape.product(batch, channels, outHeight, outWidth) }

  public func validate(_ op: String) throws {
    guard batch >= 0, channels > 0, height > 0, width > 0, kernelH > 0, kernelW > 0,
          strideH > 0, strideW > 0, padH >= 0, padW >= 0,
          height + 2 * padH >= kernelH, width + 2 * padW >= kernelW,
          inputCount < Int.max, columnsCount < Int.max else {
      throw GauntletError.shapeMismatch(operation: op, detail: "invalid window geometry \(self)")
    }
  }

  public var description: String {
    "conv(N\(batch) C\(channels) H\(height) W\(width) k\(kernelH)x\(kernelW) s\(strideH)x\(strideW) p\(padH)x\(padW))"
  }
}
