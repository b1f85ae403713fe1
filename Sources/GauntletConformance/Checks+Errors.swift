import GauntletCore

/// A buffer no backend made: every op must reject it with `foreignBuffer`.
final class ForeignBuffer: DeviceBuffer, @unchecked Sendable {
  // Immutable after init; holds no memory.
  let count: Int
  let owner: ObjectIdentifier
  private final class Token {}
  private let token = Token()
  init(count: Int) {
    self.count = count
    self.owner = ObjectIdentifier(token)
  }
}

extension Checker {
  /// Bad input must throw the documented `GauntletError` (never crash, never succeed), and
  /// zero-sized work must succeed as a no-op.
  func errorChecks() {
    let be = backend
    func buf(_ n: Int) throws -> DeviceBuffer { try be.makeBuffer(count: n) }

    // Sizes and counts.
    expectError("errors", "makeBuffer negative count", .anyError) { _ = try be.makeBuffer(count: -1) }
    expectError("errors", "upload past the end", .shapeMismatch) { try be.upload([1, 2, 3], to: try buf(2)) }
    expectError("errors", "upload negative offset", .shapeMismatch) { try be.upload([1], to: try buf(2), offset: -1) }
    expectError("errors", "download past the end", .shapeMismatch) {
      var host = [Float](repeating: 0, count: 4)
      try host.withUnsafeMutableBufferPointer { try be.download(try buf(3), offset: 1, into: $0) }
    }
    expectError("errors", "unary count > buffer", .shapeMismatch) { try be.unary(.relu, try buf(5), into: try buf(6), count: 6) }
    expectError("errors", "unary negative count", .shapeMismatch) { try be.unary(.relu, try buf(5), into: try buf(5), count: -1) }
    expectError("errors", "binary output too small", .shapeMismatch) {
      try be.binary(.add, try buf(8), try buf(8), into: try buf(7), count: 8)
    }
    expectError("errors", "copy past the end", .shapeMismatch) {
      try be.copy(try buf(4), srcOffset: 2, to: try buf(4), dstOffset: 0, count: 3)
    }
    expectError("errors", "fill negative count", .shapeMismatch) { try be.fill(try buf(4), value: 1, offset: 0, count: -2) }
    expectError("errors", "gemm C too small", .shapeMismatch) {
      try be.gemm(try buf(6), try buf(12), into: try buf(7), GemmShape(m: 2, n: 4, k: 3))
    }
    expectError("errors", "gemm A too small for its stride", .shapeMismatch) {
      try be.gemm(try buf(12), try buf(12), into: try buf(16), GemmShape(batch: 2, m: 2, n: 4, k: 3, strideA: 7))
    }
    expectError("errors", "rows output too small", .shapeMismatch) {
      try be.rows(.softmax, try buf(12), into: try buf(11), rows: 3, cols: 4)
    }
    expectError("errors", "broadcast vector too short", .shapeMismatch) {
      try be.broadcast(.add, try buf(12), try buf(3), into: try buf(12), rows: 3, cols: 4, axis: .row)
    }
    expectError("errors", "random count > buffer", .shapeMismatch) {
      try be.random(.rademacher, key: PhiloxKey(seed: 1), counter: 0, into: try buf(3), count: 4)
    }
    expectError("errors", "perturbRows antithetic output too small", .shapeMismatch) {
      try be.perturbRows(base: try buf(4), directions: try buf(8), sigma: 1, antithetic: true, into: try buf(8),
                         samples: 1, directionsPerSample: 2, dim: 4)
    }
    expectError("errors", "im2col columns too small", .shapeMismatch) {
      let s = ConvShape(batch: 1, channels: 1, height: 4, width: 4, kernelH: 2, kernelW: 2)
      try be.im2col(try buf(s.inputCount), into: try buf(s.columnsCount - 1), s)
    }

    // Non-finite data and invalid parameters.
    expectError("errors", "upload NaN", .nonFinite) { try be.upload([0, .nan, 1], to: try buf(3)) }
    expectError("errors", "upload +Inf", .nonFinite) { try be.upload([.infinity], to: try buf(1)) }
    expectError("errors", "fill NaN value", .anyError) { try be.fill(try buf(3), value: .nan, offset: 0, count: 3) }
    expectError("errors", "topKMask k = 0", .invalidArgument) { try be.rows(.topKMask(k: 0), try buf(12), into: try buf(12), rows: 3, cols: 4) }
    expectError("errors", "topKMask k > cols", .invalidArgument) { try be.rows(.topKMask(k: 5), try buf(12), into: try buf(12), rows: 3, cols: 4) }
    expectError("errors", "round 9 decimals", .invalidArgument) { try be.rows(.round(decimals: 9), try buf(4), into: try buf(4), rows: 1, cols: 4) }
    expectError("errors", "gatherRows index out of range", .invalidArgument) {
      try be.gatherRows(try buf(12), indices: [0, 3], cols: 4, into: try buf(8))
    }
    expectError("errors", "gatherRows negative index", .invalidArgument) {
      try be.gatherRows(try buf(12), indices: [-1], cols: 4, into: try buf(4))
    }
    expectError("errors", "perturbCoordinates index ≥ dim", .invalidArgument) {
      try be.perturbCoordinates(base: try buf(4), indices: [4], h: 0.1, into: try buf(8), samples: 1, coordinatesPerSample: 1, dim: 4)
    }
    expectError("errors", "stepProject negative ε", .invalidArgument) {
      try be.stepProject(x: try buf(4), direction: try buf(4), origin: try buf(4), stepSize: 0.1, epsilon: -1,
                         norm: .linf, lo: 0, hi: 1, into: try buf(4), rows: 1, cols: 4)
    }
    expectError("errors", "stepProject lo > hi", .invalidArgument) {
      try be.stepProject(x: try buf(4), direction: try buf(4), origin: try buf(4), stepSize: 0.1, epsilon: 1,
                         norm: .l2, lo: 1, hi: 0, into: try buf(4), rows: 1, cols: 4)
    }
    expectError("errors", "maxPool padding ≥ window", .invalidArgument) {
      let s = ConvShape(batch: 1, channels: 1, height: 3, width: 3, kernelH: 2, kernelW: 2, padH: 2, padW: 0)
      try be.maxPool(try buf(s.inputCount), into: try buf(s.pooledCount), argmax: try buf(s.pooledCount), s)
    }
    expectError("errors", "invalid window geometry", .shapeMismatch) {
      let s = ConvShape(batch: 1, channels: 1, height: 2, width: 2, kernelH: 3, kernelW: 3)
      try be.avgPool(try buf(4), into: try buf(4), s)
    }

    // Buffers from elsewhere.
    expectError("errors", "foreign buffer to unary", .foreignBuffer) { try be.unary(.relu, ForeignBuffer(count: 4), into: try buf(4), count: 4) }
    expectError("errors", "foreign buffer to gemm", .foreignBuffer) {
      try be.gemm(try buf(4), try buf(4), into: ForeignBuffer(count: 4), GemmShape(m: 2, n: 2, k: 2))
    }
    expectError("errors", "foreign buffer to download", .foreignBuffer) { _ = try be.download(ForeignBuffer(count: 4)) }

    // Zero-sized work succeeds.
    let s0 = ConvShape(batch: 0, channels: 2, height: 4, width: 4, kernelH: 2, kernelW: 2)
    let zero: [(String, (DeviceBuffer, DeviceBuffer) throws -> Void)] = [
      ("upload/download", { e, _ in try be.upload([], to: e); _ = try be.download(e) }),
      ("copy", { _, b in try be.copy(b, srcOffset: 4, to: b, dstOffset: 0, count: 0) }),
      ("fill", { e, _ in try be.fill(e, value: 1, offset: 0, count: 0) }),
      ("gatherRows", { e, b in try be.gatherRows(b, indices: [], cols: 4, into: e) }),
      ("unary", { e, _ in try be.unary(.exp, e, into: e, count: 0) }),
      ("unaryBackward", { e, _ in try be.unaryBackward(.tanh, x: e, gradOutput: e, into: e, count: 0) }),
      ("binary", { e, _ in try be.binary(.div, e, e, into: e, count: 0) }),
      ("broadcast", { e, b in try be.broadcast(.add, e, b, into: e, rows: 0, cols: 4, axis: .row) }),
      ("axpy", { e, _ in try be.axpy(alpha: 2, e, e, count: 0) }),
      ("rows", { e, _ in try be.rows(.softmax, e, into: e, rows: 0, cols: 7) }),
      ("gemm m=0 k=0", { e, _ in try be.gemm(e, e, into: e, GemmShape(m: 0, n: 5, k: 0)) }),
      ("gemm batch=0", { e, _ in try be.gemm(e, e, into: e, GemmShape(batch: 0, m: 3, n: 5, k: 3)) }),
      ("random", { e, _ in try be.random(.normal(mean: 0, std: 1), key: PhiloxKey(seed: 1), counter: 0, into: e, count: 0) }),
      ("perturbRows", { e, _ in
        try be.perturbRows(base: e, directions: e, sigma: 1, antithetic: true, into: e, samples: 0, directionsPerSample: 3, dim: 4)
      }),
      ("perturbCoordinates", { e, _ in
        try be.perturbCoordinates(base: e, indices: [], h: 1, into: e, samples: 0, coordinatesPerSample: 2, dim: 4)
      }),
      ("stepProject", { e, _ in
        try be.stepProject(x: e, direction: e, origin: e, stepSize: 1, epsilon: 1, norm: .l2, lo: 0, hi: 1, into: e, rows: 0, cols: 4)
      }),
      ("im2col/col2im batch=0", { e, _ in try be.im2col(e, into: e, s0); try be.col2im(e, into: e, s0) }),
      ("pooling batch=0", { e, _ in
        try be.maxPool(e, into: e, argmax: e, s0); try be.maxPoolBackward(gradOutput: e, argmax: e, into: e, s0)
        try be.avgPool(e, into: e, s0); try be.avgPoolBackward(gradOutput: e, into: e, s0)
      }),
      ("synchronize", { _, _ in try be.synchronize() }),
    ]
    for (name, body) in zero {
      expectSuccess("zero-size", name) { try body(try be.makeBuffer(count: 0), try buf(4)) }
    }
  }
}
