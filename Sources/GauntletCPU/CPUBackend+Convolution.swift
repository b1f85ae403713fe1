import GauntletCore

extension CPUBackend {
  /// Validated geometry: `ConvShape.validate` plus overflow-checked element counts.
  func conv(_ s: ConvShape, _ op: String, pooling: Bool = false) throws -> (input: Int, columns: Int, pooled: Int) {
    try s.validate(op)
    if pooling && (s.padH >= s.kernelH || s.padW >= s.kernelW) {
      throw GauntletError.invalidArgument(
        name: "padding", detail: "\(op) needs padding smaller than the window (every window must hold an input pixel), got \(s)")
    }
    let planes = try Extent.product(s.batch, s.channels, op)
    let input = try Extent.product(planes, try Extent.product(s.height, s.width, op), op)
    let outPlane = try Extent.product(s.outHeight, s.outWidth, op)
    let columns = try Extent.product(try Extent.product(planes, s.kernelH * s.kernelW, op), outPlane, op)
    return (input, columns, try Extent.product(planes, outPlane, op))
  }

  public func im2col(_ input: DeviceBuffer, into columns: DeviceBuffer, _ shape: ConvShape) throws {
    let n = try conv(shape, "im2col")
    let pi = UnsafePointer(try storage(input, n.input, "im2col", "input"))
    let pc = try storage(columns, n.columns, "im2col", "columns")
    let s = shape, oH = s.outHeight, oW = s.outWidth, hw = s.height * s.width, patch = s.patchSize
    parallelFor(s.batch * patch, minimum: Swift.max(1, 32_768 / (oH * oW)), align: 1) { rr in
      for row in rr {
        let b = row / patch, p = row % patch
        let c = p / (s.kernelH * s.kernelW), i = (p / s.kernelW) % s.kernelH, j = p % s.kernelW
        let plane = pi + (b * s.channels + c) * hw
        let dst = pc + row * oH * oW
        for oh in 0..<oH {
          let ih = oh * s.strideH - s.padH + i
          let d = dst + oh * oW
          guard ih >= 0 && ih < s.height else { d.update(repeating: 0, count: oW); continue }
          for ow in 0..<oW {
            let iw = ow * s.strideW - s.padW + j
            d[ow] = iw >= 0 && iw < s.width ? plane[ih * s.width + iw] : 0
          }
        }
      }
    }
  }

  public func col2im(_ columns: DeviceBuffer, into input: DeviceBuffer, _ shape: ConvShape) throws {
    let n = try conv(shape, "col2im")
    let pc = UnsafePointer(try storage(columns, n.columns, "col2im", "columns"))
    let pi = try storage(input, n.input, "col2im", "input")
    let s = shape, oH = s.outHeight, oW = s.outWidth, hw = s.height * s.width
    let kk = s.kernelH * s.kernelW
    // One task per (image, channel) plane: only that channel's column rows write into it.
    parallelFor(s.batch * s.channels, minimum: Swift.max(1, 32_768 / (kk * oH * oW)), align: 1) { rr in
      for plane in rr {
        let dst = pi + plane * hw
        dst.update(repeating: 0, count: hw)
        let b = plane / s.channels, c = plane % s.channels
        for i in 0..<s.kernelH {
          for j in 0..<s.kernelW {
            let src = pc + ((b * s.channels + c) * kk + i * s.kernelW + j) * oH * oW
            for oh in 0..<oH {
              let ih = oh * s.strideH - s.padH + i
              guard ih >= 0 && ih < s.height else { continue }
              for ow in 0..<oW {
                let iw = ow * s.strideW - s.padW + j
                if iw >= 0 && iw < s.width { dst[ih * s.width + iw] += src[oh * oW + ow] }
              }
            }
          }
        }
      }
    }
  }

  /// Calls `body(plane, oh, ow, ih0, iw0)` for each output of each plane in `rr`; `ih0/iw0` is the
  /// window's top-left corner in input coordinates (may be negative inside padding).
  @inline(__always)
  func forEachWindow(_ s: ConvShape, _ body: (Int, Int, Int, Int, Int) -> Void) {
    let oH = s.outHeight, oW = s.outWidth
    parallelFor(s.batch * s.channels, minimum: Swift.max(1, 16_384 / (oH * oW * s.kernelH * s.kernelW)), align: 1) { rr in
      for plane in rr {
        for oh in 0..<oH {
          for ow in 0..<oW { body(plane, oh, ow, oh * s.strideH - s.padH, ow * s.strideW - s.padW) }
        }
      }
    }
  }

  public func maxPool(_ input: DeviceBuffer, into output: DeviceBuffer, argmax: DeviceBuffer, _ shape: ConvShape) throws {
    let n = try conv(shape, "maxPool", pooling: true)
    let pi = UnsafePointer(try storage(input, n.input, "maxPool", "input"))
    let po = try storage(output, n.pooled, "maxPool", "output")
    let pa = try storage(argmax, n.pooled, "maxPool", "argmax")
    let s = shape, hw = s.height * s.width, ohw = s.outHeight * s.outWidth
    forEachWindow(s) { plane, oh, ow, h0, w0 in
      let src = pi + plane * hw
      var best: Float = 0, at = -1
      for ih in stride(from: Swift.max(h0, 0), to: Swift.min(h0 + s.kernelH, s.height), by: 1) {
        for iw in stride(from: Swift.max(w0, 0), to: Swift.min(w0 + s.kernelW, s.width), by: 1) {
          let v = src[ih * s.width + iw]
          if at < 0 || v > best { best = v; at = ih * s.width + iw }
        }
      }
      let o = plane * ohw + oh * s.outWidth + ow
      po[o] = best
      pa[o] = Float(at)
    }
  }

  public func maxPoolBackward(gradOutput: DeviceBuffer, argmax: DeviceBuffer, into gradInput: DeviceBuffer,
                              _ shape: ConvShape) throws {
    let n = try conv(shape, "maxPoolBackward", pooling: true)
    let pg = UnsafePointer(try storage(gradOutput, n.pooled, "maxPoolBackward", "gradOutput"))
    let pa = UnsafePointer(try storage(argmax, n.pooled, "maxPoolBackward", "argmax"))
    let pi = try storage(gradInput, n.input, "maxPoolBackward", "gradInput")
    let s = shape, hw = s.height * s.width, ohw = s.outHeight * s.outWidth
    for o in 0..<n.pooled {
      let a = pa[o]
      guard a >= 0, a < Float(hw), a == a.rounded(.towardZero) else {
        throw GauntletError.invalidArgument(name: "argmax[\(o)]", detail: "\(a) is not an offset in a \(s.height)×\(s.width) plane; pass maxPool's argmax")
      }
    }
    let planes = s.batch * s.channels
    parallelFor(planes, minimum: Swift.max(1, 32_768 / Swift.max(hw, ohw)), align: 1) { rr in
      for plane in rr {
        let dst = pi + plane * hw
        dst.update(repeating: 0, count: hw)
        for o in (plane * ohw)..<((plane + 1) * ohw) { dst[Int(pa[o])] += pg[o] }
      }
    }
  }

  public func avgPool(_ input: DeviceBuffer, into output: DeviceBuffer, _ shape: ConvShape) throws {
    let n = try conv(shape, "avgPool")
    let pi = UnsafePointer(try storage(input, n.input, "avgPool", "input"))
    let po = try storage(output, n.pooled, "avgPool", "output")
    let s = shape, hw = s.height * s.width, ohw = s.outHeight * s.outWidth
    let area = Float(s.kernelH * s.kernelW)
    forEachWindow(s) { plane, oh, ow, h0, w0 in
      let src = pi + plane * hw
      var sum: Float = 0
      for ih in stride(from: Swift.max(h0, 0), to: Swift.min(h0 + s.kernelH, s.height), by: 1) {
        for iw in stride(from: Swift.max(w0, 0), to: Swift.min(w0 + s.kernelW, s.width), by: 1) { sum += src[ih * s.width + iw] }
      }
      po[plane * ohw + oh * s.outWidth + ow] = sum / area
    }
  }

  public func avgPoolBackward(gradOutput: DeviceBuffer, into gradInput: DeviceBuffer, _ shape: ConvShape) throws {
    let n = try conv(shape, "avgPoolBackward")
    let pg = UnsafePointer(try storage(gradOutput, n.pooled, "avgPoolBackward", "gradOutput"))
    let pi = try storage(gradInput, n.input, "avgPoolBackward", "gradInput")
    let s = shape, hw = s.height * s.width, ohw = s.outHeight * s.outWidth
    let area = Float(s.kernelH * s.kernelW)
    forEachWindow(s) { plane, oh, ow, h0, w0 in
      let dst = pi + plane * hw
      if oh == 0 && ow == 0 { dst.update(repeating: 0, count: hw) }   // first window of the plane
      let g = pg[plane * ohw + oh * s.outWidth + ow] / area
      for ih in stride(from: Swift.max(h0, 0), to: Swift.min(h0 + s.kernelH, s.height), by: 1) {
        for iw in stride(from: Swift.max(w0, 0), to: Swift.min(w0 + s.kernelW, s.width), by: 1) { dst[ih * s.width + iw] += g }
      }
    }
  }
}
