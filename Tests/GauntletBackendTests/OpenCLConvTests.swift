import Testing
@testable import GauntletOpenCL
import GauntletCore

/// im2col, col2im and pooling against sequential Swift loops (scatters in ascending order).
/// Exact, since the kernels add in the same order.
@Suite(.enabled(if: OCL.enabled, OCL.skipReason))
struct OpenCLConvTests {
  static let shapes: [ConvShape] = [
    ConvShape(batch: 2, channels: 3, height: 7, width: 6, kernelH: 3, kernelW: 2, strideH: 2, strideW: 1, padH: 1, padW: 1),
    ConvShape(batch: 1, channels: 2, height: 8, width: 8, kernelH: 2, kernelW: 2, strideH: 2, strideW: 2),
    ConvShape(batch: 3, channels: 1, height: 5, width: 9, kernelH: 3, kernelW: 3, strideH: 1, strideW: 2, padH: 2, padW: 0),
  ]

  /// Calls `visit(b, c, oh, ow, i, j, h, w)` for every window entry inside the image.
  static func windows(_ s: ConvShape, _ visit: (Int, Int, Int, Int, Int, Int, Int, Int) -> Void) {
    for b in 0..<s.batch { for c in 0..<s.channels { for oh in 0..<s.outHeight { for ow in 0..<s.outWidth {
      for i in 0..<s.kernelH { for j in 0..<s.kernelW {
        let h = oh * s.strideH - s.padH + i, w = ow * s.strideW - s.padW + j
        if h >= 0 && h < s.height && w >= 0 && w < s.width { visit(b, c, oh, ow, i, j, h, w) }
      } }
    } } } }
  }

  @Test(arguments: shapes) func im2colAndCol2imMatchSwift(_ s: ConvShape) throws {
    let be = try OCL.backend()
    let x = OCL.data(s.inputCount, seed: 41)
    let plane = s.outHeight * s.outWidth
    var cols = [Float](repeating: 0, count: s.columnsCount)
    func colIndex(_ b: Int, _ c: Int, _ i: Int, _ j: Int, _ oh: Int, _ ow: Int) -> Int {
      (b * s.patchSize + (c * s.kernelH + i) * s.kernelW + j) * plane + oh * s.outWidth + ow
    }
    Self.windows(s) { b, c, oh, ow, i, j, h, w in
      cols[colIndex(b, c, i, j, oh, ow)] = x[((b * s.channels + c) * s.height + h) * s.width + w]
    }
    let dc = try be.makeBuffer(count: s.columnsCount)
    try be.im2col(try be.makeBuffer(x), into: dc, s)
    #expect(try be.download(dc) == cols)

    let g = OCL.data(s.columnsCount, seed: 42)
    var back = [Float](repeating: 0, count: s.inputCount)
    // Scatter in column-row order (c, i, j ascending, then oh, ow): the kernels' summation order.
    for b in 0..<s.batch { for c in 0..<s.channels { for i in 0..<s.kernelH { for j in 0..<s.kernelW {
      for oh in 0..<s.outHeight { for ow in 0..<s.outWidth {
        let h = oh * s.strideH - s.padH + i, w = ow * s.strideW - s.padW + j
        if h >= 0 && h < s.height && w >= 0 && w < s.width {
          back[((b * s.channels + c) * s.height + h) * s.width + w] += g[colIndex(b, c, i, j, oh, ow)]
        }
      } }
    } } } }
    let dx = try be.makeBuffer(x)    // overwritten, not accumulated
    try be.col2im(try be.makeBuffer(g), into: dx, s)
    let got = try be.download(dx)
    #expect(zip(got, back).allSatisfy { OCL.ulps($0, $1) <= 1 })
  }

  @Test(arguments: shapes) func poolingMatchesSwift(_ s: ConvShape) throws {
    let be = try OCL.backend()
    var x = OCL.data(s.inputCount, seed: 43)
    x[1] = x[0]                                     // a tie: the first maximum wins
    let pooled = s.pooledCount
    var maxOut = [Float](repeating: -.infinity, count: pooled), arg = [Float](repeating: -1, count: pooled)
    var avgOut = [Float](repeating: 0, count: pooled)
    Self.windows(s) { b, c, oh, ow, _, _, h, w in
      let o = ((b * s.channels + c) * s.outHeight + oh) * s.outWidth + ow
      let v = x[((b * s.channels + c) * s.height + h) * s.width + w]
      if arg[o] < 0 || v > maxOut[o] { maxOut[o] = v; arg[o] = Float(h * s.width + w) }
      avgOut[o] += v
    }
    avgOut = avgOut.map { $0 / Float(s.kernelH * s.kernelW) }
    let dx = try be.makeBuffer(x), dm = try be.makeBuffer(count: pooled), da = try be.makeBuffer(count: pooled)
    try be.maxPool(dx, into: dm, argmax: da, s)
    #expect(try be.download(dm) == maxOut)
    #expect(try be.download(da) == arg)
    let davg = try be.makeBuffer(count: pooled)
    try be.avgPool(dx, into: davg, s)
    #expect(try be.download(davg) == avgOut)

    let g = OCL.data(pooled, seed: 44)
    var maxBack = [Float](repeating: 0, count: s.inputCount), avgBack = maxBack
    for o in 0..<pooled {
      let bc = o / (s.outHeight * s.outWidth)
      maxBack[bc * s.height * s.width + Int(arg[o])] += g[o]
    }
    Self.windows(s) { b, c, oh, ow, _, _, h, w in
      let o = ((b * s.channels + c) * s.outHeight + oh) * s.outWidth + ow
      avgBack[((b * s.channels + c) * s.height + h) * s.width + w] += g[o]
    }
    avgBack = avgBack.map { $0 / Float(s.kernelH * s.kernelW) }
    let dg = try be.makeBuffer(g), gin = try be.makeBuffer(count: s.inputCount)
    try be.maxPoolBackward(gradOutput: dg, argmax: da, into: gin, s)
    #expect(try be.download(gin) == maxBack)
    try be.avgPoolBackward(gradOutput: dg, into: gin, s)
    let gotAvg = try be.download(gin)
    #expect(zip(gotAvg, avgBack).allSatisfy { OCL.ulps($0, $1) <= 1 })
  }

  @Test func rejectsBadGeometry() throws {
    let be = try OCL.backend()
    let b = try be.makeBuffer(count: 100)
    let bad = ConvShape(batch: 1, channels: 1, height: 2, width: 2, kernelH: 3, kernelW: 3)
    #expect(throws: GauntletError.self) { try be.im2col(b, into: b, bad) }
    let big = ConvShape(batch: 1, channels: 1, height: 20, width: 20, kernelH: 3, kernelW: 3)
    #expect(throws: GauntletError.self) { try be.avgPool(b, into: b, big) }     // input too small
    let padded = ConvShape(batch: 1, channels: 1, height: 3, width: 3, kernelH: 2, kernelW: 2, padH: 2)
    #expect { try be.maxPool(b, into: b, argmax: b, padded) } throws: { e in
      if case .invalidArgument? = e as? GauntletError { return true } else { return false }
    }
    try be.avgPool(b, into: b, padded)                                          // zeros there: fine
  }
}
