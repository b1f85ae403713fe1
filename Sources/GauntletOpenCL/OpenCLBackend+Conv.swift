import GauntletCore

extension OpenCLBackend {
  /// The geometry arguments shared by every `conv.cl` kernel (`CONV_ARGS`).
  private func convArgs(_ s: ConvShape) -> [KernelArg] {
    [s.channels, s.height, s.width, s.kernelH, s.kernelW, s.strideH, s.strideW, s.padH, s.padW,
     s.outHeight, s.outWidth].map { .int(Int32($0)) }
  }

  /// Validates the geometry and returns (input, columns, pooled) element counts, each < 2^31.
  private func convCounts(_ s: ConvShape, _ op: String) throws -> (input: Int, columns: Int, pooled: Int) {
    try s.validate(op)
    let dims = [s.height, s.width, s.kernelH, s.kernelW, s.strideH, s.strideW, s.padH, s.padW]
    guard dims.allSatisfy({ $0 <= Int(Int32.max) / 4 }) else {
      throw GauntletError.shapeMismatch(operation: op, detail: "window geometry too large: \(s)")
    }
    let plane = try elements(op, s.outHeight, s.outWidth)
    return (try elements(op, s.batch, s.channels, s.height, s.width),
            try elements(op, s.batch, s.channels, s.kernelH, s.kernelW, plane),
            try elements(op, s.batch, s.channels, plane))
  }

  public func im2col(_ input: DeviceBuffer, into columns: DeviceBuffer, _ shape: ConvShape) throws {
    let n = try convCounts(shape, "im2col")
    let im = try memory(input, atLeast: n.input, "im2col", "input")
    let cm = try memory(columns, atLeast: n.columns, "im2col", "columns")
    try launch1D(.conv, "im2col", [.buffer(im), .buffer(cm), .int(Int32(n.columns))] + convArgs(shape), count: n.columns)
  }

  public func col2im(_ columns: DeviceBuffer, into input: DeviceBuffer, _ shape: ConvShape) throws {
    let n = try convCounts(shape, "col2im")
    let cm = try memory(columns, atLeast: n.columns, "col2im", "columns")
    let im = try memory(input, atLeast: n.input, "col2im", "input")
    try launch1D(.conv, "col2im", [.buffer(cm), .buffer(im), .int(Int32(n.input))] + convArgs(shape), count: n.input)
  }

  /// Max pooling needs every window to touch the image: padding smaller than the window.
  private func maxPoolPadding(_ s: ConvShape, _ op: String) throws {
    guard s.padH < s.kernelH, s.padW < s.kernelW else {
      throw GauntletError.invalidArgument(
        name: "padding", detail: "\(op) needs padding smaller than the window (pad \(s.padH)×\(s.padW), "
          + "window \(s.kernelH)×\(s.kernelW)); a window lying entirely in the padding has no maximum")
    }
  }

  public func maxPool(_ input: DeviceBuffer, into output: DeviceBuffer, argmax: DeviceBuffer, _ shape: ConvShape) throws {
    let n = try convCounts(shape, "maxPool")
    try maxPoolPadding(shape, "maxPool")
    let im = try memory(input, atLeast: n.input, "maxPool", "input")
    let om = try memory(output, atLeast: n.pooled, "maxPool", "output")
    let am = try memory(argmax, atLeast: n.pooled, "maxPool", "argmax")
    try launch1D(.conv, "max_pool", [.buffer(im), .buffer(om), .buffer(am), .int(Int32(n.pooled))] + convArgs(shape),
                 count: n.pooled)
  }

  public func maxPoolBackward(gradOutput: DeviceBuffer, argmax: DeviceBuffer, into gradInput: DeviceBuffer,
                              _ shape: ConvShape) throws {
    let n = try convCounts(shape, "maxPoolBackward")
    try maxPoolPadding(shape, "maxPoolBackward")
    let gm = try memory(gradOutput, atLeast: n.pooled, "maxPoolBackward", "gradOutput")
    let am = try memory(argmax, atLeast: n.pooled, "maxPoolBackward", "argmax")
    let im = try memory(gradInput, atLeast: n.input, "maxPoolBackward", "gradInput")
    try launch1D(.conv, "max_pool_backward",
                 [.buffer(gm), .buffer(am), .buffer(im), .int(Int32(n.input))] + convArgs(shape), count: n.input)
  }

  public func avgPool(_ input: DeviceBuffer, into output: DeviceBuffer, _ shape: ConvShape) throws {
    let n = try convCounts(shape, "avgPool")
    let im = try memory(input, atLeast: n.input, "avgPool", "input")
    let om = try memory(output, atLeast: n.pooled, "avgPool", "output")
    try launch1D(.conv, "avg_pool", [.buffer(im), .buffer(om), .int(Int32(n.pooled))] + convArgs(shape), count: n.pooled)
  }

  public func avgPoolBackward(gradOutput: DeviceBuffer, into gradInput: DeviceBuffer, _ shape: ConvShape) throws {
    let n = try convCounts(shape, "avgPoolBackward")
    let gm = try memory(gradOutput, atLeast: n.pooled, "avgPoolBackward", "gradOutput")
    let im = try memory(gradInput, atLeast: n.input, "avgPoolBackward", "gradInput")
    try launch1D(.conv, "avg_pool_backward", [.buffer(gm), .buffer(im), .int(Int32(n.input))] + convArgs(shape),
                 count: n.input)
  }
}
