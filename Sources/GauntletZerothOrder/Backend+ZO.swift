import GauntletCore

/// Small device routines the estimators share.
extension Backend {
  /// A fresh tensor of `shape` (contents undefined until written).
  func tensor(_ shape: [Int]) throws -> Tensor {
    let n = try Tensor.elementCount(shape)
    return try Tensor(buffer: makeBuffer(count: max(n, 1)), shape: shape, on: self)
  }

  /// Scales every row of `x` (`rows × cols`) to unit L2 norm in place; all-zero rows stay zero.
  func normalizeRows(_ x: DeviceBuffer, rows: Int, cols: Int) throws {
    guard rows > 0 else { return }
    let norms = try makeBuffer(count: rows)
    try self.rows(.l2Norm, x, into: norms, rows: rows, cols: cols)
    // max(‖x‖, tiny) keeps zero rows at zero instead of NaN.
    let tiny = try makeBuffer(count: rows)
    try fill(tiny, value: 1e-30, offset: 0, count: rows)
    try binary(.max, norms, tiny, into: norms, count: rows)
    try broadcast(.div, x, norms, into: x, rows: rows, cols: cols, axis: .column)
  }

  /// Per-sample weighted sum of directions: `g[s] = alpha · Σ_q w[s, q] · u[s·Q + q]`, as one
  /// batched GEMM (`batch = samples`, `1×Q · Q×d`). `g` may be accumulated into with `beta = 1`.
  func combine(weights w: DeviceBuffer, directions u: DeviceBuffer, into g: DeviceBuffer,
               samples: Int, directionsPerSample q: Int, dim: Int, alpha: Float, beta: Float = 0) throws {
    guard samples > 0 else { return }
    try gemm(w, u, into: g, GemmShape(batch: samples, m: 1, n: dim, k: q, alpha: alpha, beta: beta,
                                      strideA: q, strideB: q * dim, strideC: dim))
  }

  /// Row-wise dot products of two `rows × cols` matrices.
  func rowDots(_ a: DeviceBuffer, _ b: DeviceBuffer, rows: Int, cols: Int) throws -> DeviceBuffer {
    let prod = try makeBuffer(count: max(rows * cols, 1))
    try binary(.mul, a, b, into: prod, count: rows * cols)
    let out = try makeBuffer(count: max(rows, 1))
    try self.rows(.sum, prod, into: out, rows: rows, cols: cols)
    return out
  }
}
