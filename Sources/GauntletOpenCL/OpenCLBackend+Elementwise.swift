import GauntletCore

extension OpenCLBackend {
  /// Kernel name suffix and the two scalar parameters of a unary op.
  private func unaryKernel(_ op: UnaryOp) -> (String, Float, Float) {
    switch op {
    case .relu: return ("relu", 0, 0)
    case let .leakyRelu(slope): return ("leaky_relu", slope, 0)
    case .sigmoid: return ("sigmoid", 0, 0)
    case .tanh: return ("tanh", 0, 0)
    case .exp: return ("exp", 0, 0)
    case .log: return ("log", 0, 0)
    case .sign: return ("sign", 0, 0)
    case .abs: return ("abs", 0, 0)
    case .square: return ("square", 0, 0)
    case .sqrt: return ("sqrt", 0, 0)
    case let .affine(scale, shift): return ("affine", scale, shift)
    case let .clamp(lo, hi): return ("clamp", lo, hi)
    }
  }

  public func unary(_ op: UnaryOp, _ x: DeviceBuffer, into y: DeviceBuffer, count: Int) throws {
    try Validate.sizes("unary", ("count", count))
    let xm = try memory(x, atLeast: count, "unary", "x")
    let ym = try memory(y, atLeast: count, "unary", "y")
    let (kernel, p0, p1) = unaryKernel(op)
    try launch1D(.elementwise, "unary_" + kernel,
                 [.buffer(xm), .buffer(ym), .int(Int32(count)), .float(p0), .float(p1)], count: count)
  }

  public func unaryBackward(_ op: UnaryOp, x: DeviceBuffer, gradOutput: DeviceBuffer, into gradInput: DeviceBuffer,
                            count: Int) throws {
    try Validate.sizes("unaryBackward", ("count", count))
    let xm = try memory(x, atLeast: count, "unaryBackward", "x")
    let gm = try memory(gradOutput, atLeast: count, "unaryBackward", "gradOutput")
    let om = try memory(gradInput, atLeast: count, "unaryBackward", "gradInput")
    let (kernel, p0, p1) = unaryKernel(op)
    try launch1D(.elementwise, "backward_" + kernel,
                 [.buffer(xm), .buffer(gm), .buffer(om), .int(Int32(count)), .float(p0), .float(p1)], count: count)
  }

  public func binary(_ op: BinaryOp, _ a: DeviceBuffer, _ b: DeviceBuffer, into c: DeviceBuffer, count: Int) throws {
    try Validate.sizes("binary", ("count", count))
    let am = try memory(a, atLeast: count, "binary", "a")
    let bm = try memory(b, atLeast: count, "binary", "b")
    let cm = try memory(c, atLeast: count, "binary", "c")
    try launch1D(.elementwise, "binary_" + op.rawValue,
                 [.buffer(am), .buffer(bm), .buffer(cm), .int(Int32(count))], count: count)
  }

  public func broadcast(_ op: BinaryOp, _ matrix: DeviceBuffer, _ vector: DeviceBuffer, into out: DeviceBuffer,
                        rows: Int, cols: Int, axis: BroadcastAxis) throws {
    let n = try elements("broadcast", rows, cols)
    let mm = try memory(matrix, atLeast: n, "broadcast", "matrix")
    let vm = try memory(vector, atLeast: axis == .row ? cols : rows, "broadcast", "vector")
    let om = try memory(out, atLeast: n, "broadcast", "out")
    let kernel = (axis == .row ? "broadcast_row_" : "broadcast_col_") + op.rawValue
    try launch1D(.elementwise, kernel, [.buffer(mm), .buffer(vm), .buffer(om), .int(Int32(n)), .int(Int32(cols))],
                 count: n)
  }

  public func axpy(alpha: Float, _ x: DeviceBuffer, _ y: DeviceBuffer, count: Int) throws {
    try Validate.sizes("axpy", ("count", count))
    let xm = try memory(x, atLeast: count, "axpy", "x")
    let ym = try memory(y, atLeast: count, "axpy", "y")
    try launch1D(.elementwise, "axpy", [.float(alpha), .buffer(xm), .buffer(ym), .int(Int32(count))], count: count)
  }
}
