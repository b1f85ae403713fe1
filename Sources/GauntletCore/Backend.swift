/// Memory owned by one backend. Buffers hold `Float32` only; their contents are reached through
/// `Backend.upload` / `Backend.download`.
public protocol DeviceBuffer: AnyObject, Sendable {
  /// Number of `Float` elements.
  var count: Int { get }
  /// Identity of the backend that made the buffer; ops throw `foreignBuffer` on a mismatch.
  var owner: ObjectIdentifier { get }
}

/// What kind of device runs a backend.
public enum DeviceKind: String, Sendable, Hashable, Codable {
  case cpu, gpu, accelerator, other
}

/// The compute seam. Attacks, defenses and models call only this protocol, so the same code runs
/// on the CPU (OpenBLAS + Swift) and on any OpenCL device, and the two can be compared.
///
/// Layout conventions: all matrices are dense row-major `Float32`; "rows × cols" means `rows`
/// records of `cols` features. `count` arguments name how many leading elements an op touches;
/// every buffer must hold at least that many (else `GauntletError.shapeMismatch`). Outputs may not
/// alias inputs unless the op says so. Ops are enqueued in order; `download` waits for them.
///
/// ```swift
/// let be: Backend = try CPUBackend()
/// let x = try be.makeBuffer([1, -2, 3])
/// let y = try be.makeBuffer(count: 3)
/// try be.unary(.relu, x, into: y, count: 3)
/// try be.download(y)   // [1, 0, 3]
/// ```
public protocol Backend: AnyObject, Sendable {
  /// `"cpu"`, `"opencl:<device name>"`.
  var name: String { get }
  var deviceKind: DeviceKind { get }

  // MARK: Memory
  func makeBuffer(count: Int) throws -> DeviceBuffer
  /// Copies `host` into `buffer` starting at element `offset`. Rejects NaN/Inf (`nonFinite`).
  func upload(_ host: UnsafeBufferPointer<Float>, to buffer: DeviceBuffer, offset: Int) throws
  /// Copies `host.count` elements starting at `offset` out of `buffer`; waits for queued work.
  func download(_ buffer: DeviceBuffer, offset: Int, into host: UnsafeMutableBufferPointer<Float>) throws
  func copy(_ src: DeviceBuffer, srcOffset: Int, to dst: DeviceBuffer, dstOffset: Int, count: Int) throws
  func fill(_ buffer: DeviceBuffer, value: Float, offset: Int, count: Int) throws
  /// `dst[r, :] = src[indices[r], :]` for each `r < indices.count`; rows of `cols` elements.
  func gatherRows(_ src: DeviceBuffer, indices: [Int32], cols: Int, into dst: DeviceBuffer) throws

  // MARK: Linear algebra
  func gemm(_ a: DeviceBuffer, _ b: DeviceBuffer, into c: DeviceBuffer, _ shape: GemmShape) throws

  // MARK: Element-wise
  /// `y[i] = f(x[i])`. `x` and `y` may be the same buffer.
  func unary(_ op: UnaryOp, _ x: DeviceBuffer, into y: DeviceBuffer, count: Int) throws
  /// `gradInput[i] = gradOutput[i] · f′(x[i])`, with `x` the op's *input*.
  /// (relu′(0) = 0, leakyRelu′(0) = slope, sign′ = 0, abs′(x) = sign(x), sqrt′(x) = 0.5/sqrt(x),
  /// clamp′ = 1 strictly inside (lo, hi) and at the bounds, 0 outside.)
  func unaryBackward(_ op: UnaryOp, x: DeviceBuffer, gradOutput: DeviceBuffer,
                     into gradInput: DeviceBuffer, count: Int) throws
  /// `c[i] = a[i] ∘ b[i]`. `c` may alias `a` or `b`.
  func binary(_ op: BinaryOp, _ a: DeviceBuffer, _ b: DeviceBuffer, into c: DeviceBuffer, count: Int) throws
  /// `out[r, j] = matrix[r, j] ∘ vector[j]` (axis `.row`) or `∘ vector[r]` (axis `.column`).
  /// `out` may alias `matrix`.
  func broadcast(_ op: BinaryOp, _ matrix: DeviceBuffer, _ vector: DeviceBuffer, into out: DeviceBuffer,
                 rows: Int, cols: Int, axis: BroadcastAxis) throws
  /// `y[i] += alpha · x[i]`.
  func axpy(alpha: Float, _ x: DeviceBuffer, _ y: DeviceBuffer, count: Int) throws

  // MARK: Rows
  /// Applies `op` to each row of `x` (`rows × cols`); `y` holds `rows × op.outputsPerRow(cols)`.
  func rows(_ op: RowOp, _ x: DeviceBuffer, into y: DeviceBuffer, rows: Int, cols: Int) throws

  // MARK: Random
  /// Fills `count` elements from Philox4x32-10: element `i` uses block `counter + i/4`, word `i % 4`
  /// (see `Philox`). Bit-identical on every backend.
  func random(_ distribution: Distribution, key: PhiloxKey, counter: UInt64, into buffer: DeviceBuffer,
              count: Int) throws

  // MARK: Perturbation (zeroth-order estimation and attacks)
  /// For each sample `s < samples` and direction `q < directionsPerSample`, row `r = s·Q + q` of
  /// `directions` (`samples·Q × dim`) gives `out[r] = base[s] + sigma·u[r]`. With `antithetic`,
  /// `out` has `2·samples·Q` rows: `out[2r] = base[s] + sigma·u[r]`, `out[2r+1] = base[s] − sigma·u[r]`.
  func perturbRows(base: DeviceBuffer, directions: DeviceBuffer, sigma: Float, antithetic: Bool,
                   into out: DeviceBuffer, samples: Int, directionsPerSample: Int, dim: Int) throws
  /// Coordinate batches for finite differences: `indices` holds `samples × C` coordinates; for
  /// `j = s·C + c`, `out[2j] = base[s] + h·e_{indices[j]}`, `out[2j+1] = base[s] − h·e_{indices[j]}`.
  func perturbCoordinates(base: DeviceBuffer, indices: [Int32], h: Float, into out: DeviceBuffer,
                          samples: Int, coordinatesPerSample: Int, dim: Int) throws
  /// Projected step for each row: `δ = x + stepSize·direction − origin`, projected onto the
  /// `norm`-ball of radius `epsilon` (L∞: clip each entry; L2: scale by `ε/‖δ‖₂` when larger), then
  /// `out = clamp(origin + δ, lo, hi)`. `out` may alias `x`.
  func stepProject(x: DeviceBuffer, direction: DeviceBuffer, origin: DeviceBuffer, stepSize: Float,
                   epsilon: Float, norm: Norm, lo: Float, hi: Float, into out: DeviceBuffer,
                   rows: Int, cols: Int) throws

  // MARK: Convolution and pooling (NCHW)
  /// `columns[b][(c·kH + i)·kW + j][oh·outW + ow] = input[b][c][oh·sH − pH + i][ow·sW − pW + j]`
  /// (0 outside the image).
  func im2col(_ input: DeviceBuffer, into columns: DeviceBuffer, _ shape: ConvShape) throws
  /// Adjoint of `im2col`: overwrites `input` with the sum of every column entry mapping to it.
  func col2im(_ columns: DeviceBuffer, into input: DeviceBuffer, _ shape: ConvShape) throws
  /// Max over each window; `argmax` receives the winning offset `h·W + w` within the input plane
  /// (first maximum wins).
  func maxPool(_ input: DeviceBuffer, into output: DeviceBuffer, argmax: DeviceBuffer, _ shape: ConvShape) throws
  /// Overwrites `gradInput` with `gradOutput` routed to each window's argmax (summed on overlap).
  func maxPoolBackward(gradOutput: DeviceBuffer, argmax: DeviceBuffer, into gradInput: DeviceBuffer,
                       _ shape: ConvShape) throws
  /// Mean over each window (padding counts as zero, divisor `kH·kW`).
  func avgPool(_ input: DeviceBuffer, into output: DeviceBuffer, _ shape: ConvShape) throws
  func avgPoolBackward(gradOutput: DeviceBuffer, into gradInput: DeviceBuffer, _ shape: ConvShape) throws

  /// Waits until every enqueued op has finished.
  func synchronize() throws
}

extension Backend {
  /// A new buffer holding `values` (validated finite).
  public func makeBuffer(_ values: [Float]) throws -> DeviceBuffer {
    let b = try makeBuffer(count: values.count)
    try upload(values, to: b)
    return b
  }

  public func upload(_ values: [Float], to buffer: DeviceBuffer, offset: Int = 0) throws {
    try values.withUnsafeBufferPointer { try upload($0, to: buffer, offset: offset) }
  }

  /// The first `count` elements of `buffer` (all of it by default).
  public func download(_ buffer: DeviceBuffer, offset: Int = 0, count: Int? = nil) throws -> [Float] {
    let n = count ?? (buffer.count - offset)
    guard n >= 0, offset >= 0, offset + n <= buffer.count else {
      throw GauntletError.shapeMismatch(operation: "download",
                                        detail: "offset \(offset) + count \(n) exceeds buffer of \(buffer.count)")
    }
    var out = [Float](repeating: 0, count: n)
    try out.withUnsafeMutableBufferPointer { try download(buffer, offset: offset, into: $0) }
    return out
  }
}
