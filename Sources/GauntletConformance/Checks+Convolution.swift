import GauntletCore

extension Checker {
  /// Window shapes: padding, strides, non-square kernels, a single window, a 1×1 image, and one
  /// large enough for a parallel path.
  static let convShapes: [ConvShape] = [
    ConvShape(batch: 2, channels: 3, height: 7, width: 9, kernelH: 3, kernelW: 3, padH: 1, padW: 1),
    ConvShape(batch: 1, channels: 2, height: 13, width: 11, kernelH: 4, kernelW: 3, strideH: 2, strideW: 3, padH: 1, padW: 2),
    ConvShape(batch: 3, channels: 1, height: 5, width: 5, kernelH: 5, kernelW: 5),
    ConvShape(batch: 1, channels: 1, height: 1, width: 1, kernelH: 1, kernelW: 1),
    ConvShape(batch: 2, channels: 3, height: 8, width: 8, kernelH: 2, kernelW: 2, strideH: 2, strideW: 2),
    ConvShape(batch: 8, channels: 4, height: 28, width: 28, kernelH: 3, kernelW: 3, padH: 1, padW: 1),
  ]

  /// im2col and maxPool (values and argmax) are exact. col2im and the pool backwards sum up to
  /// kH·kW contributions per pixel: `Tol.sum(kH·kW)` relative to the sum of magnitudes; avgPool
  /// adds a divide (`Tol.div`).
  func convolutionChecks() {
    for s in Self.convShapes {
      let name = s.description
      let kk = s.kernelH * s.kernelW
      check("im2col", name) {
        let x = uniform(s.inputCount, -1, 1)
        let cols = try buffer(count: s.columnsCount)
        try backend.im2col(try buffer(x), into: cols, s)
        return Metric.exact(try read(cols), Reference.im2col(x, s).map(Double.init))
      }
      check("col2im", name) {
        let c = uniform(s.columnsCount, -1, 1)
        let img = try buffer(count: s.inputCount)
        try backend.col2im(try buffer(c), into: img, s)
        let want = Reference.col2im(c, s)
        return Metric.relative(try read(img), want.value, scale: want.scale, tolerance: Tol.sum(kk))
      }
      for ties in [false, true] {
        check("maxPool", name + (ties ? " ties" : "")) {
          let x = ties ? self.ties(s.inputCount, levels: 3) : uniform(s.inputCount, -1, 1)
          let out = try buffer(count: s.pooledCount), arg = try buffer(count: s.pooledCount)
          try backend.maxPool(try buffer(x), into: out, argmax: arg, s)
          let want = Reference.maxPool(x, s)
          return Metric.exact(try read(out) + read(arg), (want.value + want.argmax).map(Double.init))
        }
      }
      check("maxPoolBackward", name) {
        let x = ties(s.inputCount, levels: 5), g = uniform(s.pooledCount, -1, 1)
        let arg = Reference.maxPool(x, s).argmax   // the reference argmax: backward is checked alone
        let gin = try buffer(count: s.inputCount)
        try backend.maxPoolBackward(gradOutput: try buffer(g), argmax: try buffer(arg), into: gin, s)
        let want = Reference.maxPoolBackward(g, arg, s)
        return Metric.relative(try read(gin), want.value, scale: want.scale, tolerance: Tol.sum(kk))
      }
      check("avgPool", name) {
        let x = uniform(s.inputCount, -1, 1)
        let out = try buffer(count: s.pooledCount)
        try backend.avgPool(try buffer(x), into: out, s)
        let want = Reference.avgPool(x, s)
        return Metric.relative(try read(out), want.value, scale: want.scale, tolerance: Tol.sum(kk) + Tol.div)
      }
      check("avgPoolBackward", name) {
        let g = uniform(s.pooledCount, -1, 1)
        let gin = try buffer(count: s.inputCount)
        try backend.avgPoolBackward(gradOutput: try buffer(g), into: gin, s)
        let want = Reference.avgPoolBackward(g, s)
        return Metric.relative(try read(gin), want.value, scale: want.scale, tolerance: Tol.sum(kk) + Tol.div)
      }
    }
  }
}

extension Reference {
  /// Calls `body(b, c, oh, ow, ih, iw, o)` for every in-image pixel of every window; `o` is the
  /// output index (NCHW) and `ih, iw` the pixel.
  static func windows(_ s: ConvShape, _ body: (Int, Int, Int, Int, Int, Int, Int) -> Void) {
    for b in 0..<s.batch {
      for c in 0..<s.channels {
        for oh in 0..<s.outHeight {
          for ow in 0..<s.outWidth {
            let o = ((b * s.channels + c) * s.outHeight + oh) * s.outWidth + ow
            for i in 0..<s.kernelH {
              for j in 0..<s.kernelW {
                let ih = oh * s.strideH - s.padH + i, iw = ow * s.strideW - s.padW + j
                if ih >= 0 && ih < s.height && iw >= 0 && iw < s.width { body(b, c, oh, ow, ih, iw, o) }
              }
            }
          }
        }
      }
    }
  }

  static func pixel(_ s: ConvShape, _ b: Int, _ c: Int, _ h: Int, _ w: Int) -> Int {
    ((b * s.channels + c) * s.height + h) * s.width + w
  }

  /// Straight from the `Backend.im2col` formula.
  static func im2col(_ x: [Float], _ s: ConvShape) -> [Float] {
    var out = [Float](repeating: 0, count: s.columnsCount)
    let ohw = s.outHeight * s.outWidth
    for b in 0..<s.batch {
      for c in 0..<s.channels {
        for i in 0..<s.kernelH {
          for j in 0..<s.kernelW {
            for oh in 0..<s.outHeight {
              for ow in 0..<s.outWidth {
                let ih = oh * s.strideH - s.padH + i, iw = ow * s.strideW - s.padW + j
                let row = (c * s.kernelH + i) * s.kernelW + j
                let inside = ih >= 0 && ih < s.height && iw >= 0 && iw < s.width
                out[(b * s.patchSize + row) * ohw + oh * s.outWidth + ow] = inside ? x[pixel(s, b, c, ih, iw)] : 0
              }
            }
          }
        }
      }
    }
    return out
  }

  static func col2im(_ cols: [Float], _ s: ConvShape) -> (value: [Double], scale: [Double]) {
    var out = [Double](repeating: 0, count: s.inputCount), mag = out
    let ohw = s.outHeight * s.outWidth
    windows(s) { b, c, oh, ow, ih, iw, _ in
      let i = ih - (oh * s.strideH - s.padH), j = iw - (ow * s.strideW - s.padW)
      let v = Double(cols[(b * s.patchSize + (c * s.kernelH + i) * s.kernelW + j) * ohw + oh * s.outWidth + ow])
      out[pixel(s, b, c, ih, iw)] += v; mag[pixel(s, b, c, ih, iw)] += Swift.abs(v)
    }
    return (out, mag)
  }

  /// Padding is ignored (windows hold at least one pixel); the first maximum in row-major window
  /// order wins; argmax is `h·W + w` in the plane.
  static func maxPool(_ x: [Float], _ s: ConvShape) -> (value: [Float], argmax: [Float]) {
    var best = [Float](repeating: 0, count: s.pooledCount), arg = [Float](repeating: -1, count: s.pooledCount)
    windows(s) { b, c, _, _, ih, iw, o in
      let v = x[pixel(s, b, c, ih, iw)]
      if arg[o] < 0 || v > best[o] { best[o] = v; arg[o] = Float(ih * s.width + iw) }
    }
    return (best, arg)
  }

  static func maxPoolBackward(_ g: [Float], _ arg: [Float], _ s: ConvShape) -> (value: [Double], scale: [Double]) {
    var out = [Double](repeating: 0, count: s.inputCount), mag = out
    let ohw = s.outHeight * s.outWidth, hw = s.height * s.width
    for o in 0..<s.pooledCount {
      let i = (o / ohw) * hw + Int(arg[o])
      out[i] += Double(g[o]); mag[i] += Swift.abs(Double(g[o]))
    }
    return (out, mag)
  }

  static func avgPool(_ x: [Float], _ s: ConvShape) -> (value: [Double], scale: [Double]) {
    var out = [Double](repeating: 0, count: s.pooledCount), mag = out
    let area = Double(s.kernelH * s.kernelW)
    windows(s) { b, c, _, _, ih, iw, o in
      let v = Double(x[pixel(s, b, c, ih, iw)])
      out[o] += v / area; mag[o] += Swift.abs(v) / area
    }
    return (out, mag)
  }

  static func avgPoolBackward(_ g: [Float], _ s: ConvShape) -> (value: [Double], scale: [Double]) {
    var out = [Double](repeating: 0, count: s.inputCount), mag = out
    let area = Double(s.kernelH * s.kernelW)
    windows(s) { b, c, _, _, ih, iw, o in
      out[pixel(s, b, c, ih, iw)] += Double(g[o]) / area; mag[pixel(s, b, c, ih, iw)] += Swift.abs(Double(g[o])) / area
    }
    return (out, mag)
  }
}
