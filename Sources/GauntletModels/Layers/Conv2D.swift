import GauntletCore

/// 2-D convolution over NCHW batches (cross-correlation, as in PyTorch's `nn.Conv2d`).
///
/// Weight `[filters, channels, k, k]`, bias `[filters]`. The forward pass is `im2col` followed by
/// one batched GEMM whose weight operand has `strideA = 0` (shared across the batch):
/// `Y_b[F, L] = W[F, C·k·k] · cols_b[C·k·k, L]`, `L = outH·outW`. The backward pass reuses the
/// cached columns: `dW = Σ_b dY_b·cols_bᵀ` (a batched GEMM and a ones-vector reduction),
/// `dcols_b = Wᵀ·dY_b`, then `col2im`.
public final class Conv2D: Layer {
  public let spec: LayerSpec
  public let inputShape: [Int]
  public let outputShape: [Int]
  public let weight: Parameter
  public let bias: Parameter
  public var parameters: [Parameter] { [weight, bias] }
  let backend: Backend
  let filters: Int, channels: Int, height: Int, width: Int
  let kernel: Int, stride: Int, padding: Int
  private var cachedColumns: DeviceBuffer?
  private var cachedBatch: Int?
  private let ones = OnesVector()
  /// Largest im2col matrix (elements) an inference pass builds at once (8 Mi floats, 32 MiB).
  public var columnBudget = 8 << 20

  init(inputShape: [Int], filters: Int, kernel: Int, stride: Int, padding: Int, index: Int,
       initializer: WeightInit, key: PhiloxKey, on backend: Backend) throws {
    guard inputShape.count == 3 else {
      throw GauntletError.invalidArgument(name: "conv2d", detail: "needs a [C, H, W] input, got \(inputShape)")
    }
    guard filters > 0, kernel > 0, stride > 0, padding >= 0 else {
      throw GauntletError.invalidArgument(
        name: "conv2d", detail: "needs filters, kernel, stride > 0 and padding ≥ 0; got \(filters), \(kernel), \(stride), \(padding)")
    }
    let (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
    let geometry = ConvShape(batch: 1, channels: c, height: h, width: w, kernelH: kernel, kernelW: kernel,
                             strideH: stride, strideW: stride, padH: padding, padW: padding)
    do { try geometry.validate("conv2d") } catch {
      throw GauntletError.invalidArgument(name: "conv2d", detail: "kernel \(kernel) does not fit input \(inputShape) with padding \(padding)")
    }
    self.spec = .conv2d(filters: filters, kernel: kernel, stride: stride, padding: padding)
    self.inputShape = inputShape
    self.outputShape = [filters, geometry.outHeight, geometry.outWidth]
    (self.filters, self.channels, self.height, self.width) = (filters, c, h, w)
    (self.kernel, self.stride, self.padding) = (kernel, stride, padding)
    self.backend = backend
    weight = try Parameter(name: "layers.\(index).weight", shape: [filters, c, kernel, kernel], on: backend)
    bias = try Parameter(name: "layers.\(index).bias", shape: [filters], on: backend)
    let fanIn = c * kernel * kernel
    try initializer.fill(weight.value, count: weight.count, fanIn: fanIn,
                         fanOut: filters * kernel * kernel, key: key, on: backend)
  }

  func shape(batch: Int) -> ConvShape {
    ConvShape(batch: batch, channels: channels, height: height, width: width, kernelH: kernel, kernelW: kernel,
              strideH: stride, strideW: stride, padH: padding, padW: padding)
  }

  public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
    let b = try checkInput(x, backend, "Conv2D.forward")
    let s = shape(batch: b)
    let (patch, l) = (s.patchSize, s.outHeight * s.outWidth)
    let y = try backend.makeBuffer(count: b * filters * l)
    cachedColumns = nil; cachedBatch = nil
    if b > 0 {
      // Inference on large batches runs in chunks so the im2col matrix stays within budget.
      let perSample = patch * l
      let chunk = mode.recordForBackward ? b : max(1, min(b, columnBudget / max(perSample, 1)))
      let cols = try backend.makeBuffer(count: chunk * perSample)
      if chunk == b {
        try backend.im2col(x.buffer, into: cols, s)
        try backend.gemm(weight.value, cols, into: y,
                         GemmShape(batch: b, m: filters, n: l, k: patch, strideA: 0))
      } else {
        let inPer = channels * height * width
        let xin = try backend.makeBuffer(count: chunk * inPer)
        for start in Swift.stride(from: 0, to: b, by: chunk) {
          let n = min(chunk, b - start)
          try backend.copy(x.buffer, srcOffset: start * inPer, to: xin, dstOffset: 0, count: n * inPer)
          try backend.im2col(xin, into: cols, shape(batch: n))
          try backend.gemm(weight.value, cols, into: y,
                           GemmShape(batch: n, m: filters, n: l, k: patch, strideA: 0, offsetC: start * filters * l))
        }
      }
      // Bias: Y_b += bias[F, 1] · 1[1, L], for every b.
      try backend.gemm(bias.value, try ones.get(l, on: backend), into: y,
                       GemmShape(batch: b, m: filters, n: l, k: 1, beta: 1, strideA: 0, strideB: 0))
      if mode.recordForBackward { cachedColumns = cols }
    }
    if mode.recordForBackward { cachedBatch = b }
    return try Tensor(buffer: y, shape: [b] + outputShape, on: backend)
  }

  public func backward(_ gradOutput: Tensor, parameterGradients: Bool) throws -> Tensor {
    let b = try checkGradient(gradOutput, batch: cachedBatch, "Conv2D.backward")
    let s = shape(batch: b)
    let (patch, l) = (s.patchSize, s.outHeight * s.outWidth)
    let dx = try backend.makeBuffer(count: s.inputCount)
    guard b > 0, let cols = cachedColumns else {
      if parameterGradients {
        try backend.fill(weight.gradient, value: 0, offset: 0, count: weight.count)
        try backend.fill(bias.gradient, value: 0, offset: 0, count: bias.count)
      }
      return try Tensor(buffer: dx, shape: [b] + inputShape, on: backend)
    }
    let g = gradOutput.buffer
    if parameterGradients {
      let ones = try self.ones.get(max(b, l), on: backend)
      if b == 1 {
        try backend.gemm(g, cols, into: weight.gradient, GemmShape(m: filters, n: patch, k: l, transB: true))
      } else {
        // Per-sample dW_b = dY_b · cols_bᵀ, then dW = 1ᵀ·[dW_b].
        let perSample = try backend.makeBuffer(count: b * filters * patch)
        try backend.gemm(g, cols, into: perSample,
                         GemmShape(batch: b, m: filters, n: patch, k: l, transB: true))
        try backend.gemm(ones, perSample, into: weight.gradient, GemmShape(m: 1, n: filters * patch, k: b))
      }
      // db[f] = Σ_b Σ_l dY[b, f, l]: dY[b·F + f, :]·1 then 1ᵀ over b.
      let rowSums = try backend.makeBuffer(count: b * filters)
      try backend.gemm(g, ones, into: rowSums, GemmShape(m: b * filters, n: 1, k: l))
      try backend.gemm(ones, rowSums, into: bias.gradient, GemmShape(m: 1, n: filters, k: b))
    }
    let dcols = try backend.makeBuffer(count: s.columnsCount)
    try backend.gemm(weight.value, g, into: dcols,
                     GemmShape(batch: b, m: patch, n: l, k: filters, transA: true, strideA: 0))
    try backend.col2im(dcols, into: dx, s)
    return try Tensor(buffer: dx, shape: [b] + inputShape, on: backend)
  }

  public func clearCache() { cachedColumns = nil; cachedBatch = nil }
}
