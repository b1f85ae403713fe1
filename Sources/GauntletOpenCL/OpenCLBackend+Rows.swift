import GauntletCore

extension OpenCLBackend {
  /// One work-item per row; see `Kernels/rows.cl`.
  public func rows(_ op: RowOp, _ x: DeviceBuffer, into y: DeviceBuffer, rows: Int, cols: Int) throws {
    try Validate.sizes("rows", ("rows", rows), ("cols", cols))
    let n = try elements("rows", rows, cols)
    let xm = try memory(x, atLeast: n, "rows", "x")
    let ym = try memory(y, atLeast: try elements("rows", rows, op.outputsPerRow(cols: cols)), "rows", "y")
    guard rows > 0 else { return }
    try Validate.rowOp(op, cols: cols)
    guard cols > 0 else {
      throw GauntletError.shapeMismatch(operation: "rows", detail: "\(op) needs at least one column per row")
    }
    var args: [KernelArg] = [.buffer(xm), .buffer(ym), .int(Int32(rows)), .int(Int32(cols))]
    let kernel: String
    switch op {
    case .softmax: kernel = "row_softmax"
    case .logSoftmax: kernel = "row_log_softmax"
    case .sum: kernel = "row_sum"
    case .max: kernel = "row_max_value"
    case .argmax: kernel = "row_argmax"
    case .l2Norm: kernel = "row_l2_norm"
    case .linfNorm: kernel = "row_linf_norm"
    case let .topKMask(k):
      kernel = "row_top_k_mask"
      args.append(.int(Int32(k)))
    case let .round(decimals):
      kernel = "row_round"
      var scale: Float = 1
      for _ in 0..<decimals { scale *= 10 }   // exact: 10^8 < 2^24 · 2^8
      args.append(.float(scale))
    }
    try launch1D(.rows, kernel, args, count: rows)
  }
}
