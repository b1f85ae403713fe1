import Testing
import Gauntlet

/// CPU-specific rejection of bad input: typed errors, never a crash, and no partial writes.
@Suite struct CPUBackendBadInputTests {
  let cpu = TestBackends.cpu()

  func isError(_ error: any Error, _ kind: String) -> Bool {
    guard let e = error as? GauntletError else { return false }
    switch (e, kind) {
    case (.shapeMismatch, "shape"), (.invalidArgument, "argument"), (.nonFinite, "nonFinite"), (.foreignBuffer, "foreign"):
      return true
    default: return false
    }
  }

  @Test func identity() {
    #expect(cpu.name == "cpu")
    #expect(cpu.deviceKind == .cpu)
    #expect(CPUBackend(threads: 0).threads == 1)
    #expect(CPUBackend(threads: 3).threads == 3)
  }

  @Test func bufferFromAnotherCPUBackendIsForeign() throws {
    let other = CPUBackend()
    let theirs = try other.makeBuffer([1, 2, 3, 4])
    let mine = try cpu.makeBuffer(count: 4)
    #expect { try cpu.unary(.relu, theirs, into: mine, count: 4) } throws: { isError($0, "foreign") }
    #expect { try cpu.copy(mine, srcOffset: 0, to: theirs, dstOffset: 0, count: 4) } throws: { isError($0, "foreign") }
    #expect { _ = try cpu.download(theirs) } throws: { isError($0, "foreign") }
    #expect { try cpu.gemm(mine, theirs, into: mine, GemmShape(m: 2, n: 2, k: 2)) } throws: { isError($0, "foreign") }
    #expect { try cpu.random(.rademacher, key: PhiloxKey(seed: 1), counter: 0, into: theirs, count: 4) } throws: {
      isError($0, "foreign")
    }
    // The other backend still owns and serves its buffer.
    #expect(try other.download(theirs) == [1, 2, 3, 4])
  }

  @Test func nanUploadNamesTheIndexAndLeavesTheBufferUntouched() throws {
    let b = try cpu.makeBuffer([5, 6, 7, 8])
    #expect(throws: GauntletError.nonFinite(context: "upload", index: 2)) { try cpu.upload([0, 1, .nan, 3], to: b) }
    #expect(throws: GauntletError.nonFinite(context: "upload", index: 0)) { try cpu.upload([-.infinity], to: b, offset: 3) }
    // A large upload takes the vectorised screen first, then still reports the exact index.
    var big = [Float](repeating: 1, count: 100_000)
    big[77_777] = .infinity
    let large = try cpu.makeBuffer(count: big.count)
    #expect(throws: GauntletError.nonFinite(context: "upload", index: 77_777)) { try cpu.upload(big, to: large) }
    #expect(try cpu.download(b) == [5, 6, 7, 8])
    #expect(try cpu.download(large, offset: 77_000, count: 3) == [0, 0, 0])
  }

  @Test func wrongSizesAreShapeMismatches() throws {
    let b4 = try cpu.makeBuffer(count: 4), b8 = try cpu.makeBuffer(count: 8)
    #expect { try cpu.unary(.exp, b4, into: b8, count: 5) } throws: { isError($0, "shape") }
    #expect { try cpu.binary(.mul, b8, b4, into: b8, count: 8) } throws: { isError($0, "shape") }
    #expect { try cpu.broadcast(.add, b8, b4, into: b8, rows: 8, cols: 1, axis: .column) } throws: { isError($0, "shape") }
    #expect { try cpu.rows(.sum, b8, into: b4, rows: 3, cols: 3) } throws: { isError($0, "shape") }
    #expect { try cpu.gemm(b4, b4, into: b4, GemmShape(batch: 2, m: 2, n: 2, k: 2)) } throws: { isError($0, "shape") }
    #expect { try cpu.gemm(b8, b8, into: b8, GemmShape(m: 2, n: 2, k: 2, offsetC: 5)) } throws: { isError($0, "shape") }
    #expect { try cpu.stepProject(x: b8, direction: b8, origin: b4, stepSize: 1, epsilon: 1, norm: .linf, lo: 0, hi: 1,
                                  into: b8, rows: 2, cols: 4) } throws: { isError($0, "shape") }
    #expect { try cpu.perturbCoordinates(base: b4, indices: [0, 1, 2], h: 1, into: b8, samples: 1,
                                         coordinatesPerSample: 2, dim: 4) } throws: { isError($0, "shape") }
  }

  @Test func negativeAndOverflowingCountsThrow() throws {
    let b = try cpu.makeBuffer(count: 16)
    #expect { _ = try cpu.makeBuffer(count: -1) } throws: { isError($0, "shape") }
    #expect { try cpu.fill(b, value: 0, offset: -1, count: 2) } throws: { isError($0, "shape") }
    #expect { try cpu.random(.uniform(lo: 0, hi: 1), key: PhiloxKey(seed: 3), counter: 0, into: b, count: -4) } throws: {
      isError($0, "shape")
    }
    #expect { try cpu.perturbRows(base: b, directions: b, sigma: 1, antithetic: false, into: b, samples: -1,
                                  directionsPerSample: 1, dim: 1) } throws: { isError($0, "shape") }
    #expect { try cpu.broadcast(.add, b, b, into: b, rows: -2, cols: 4, axis: .row) } throws: { isError($0, "shape") }
    #expect { try cpu.rows(.softmax, b, into: b, rows: Int.max / 2, cols: 4) } throws: { isError($0, "shape") }
    #expect { try cpu.copy(b, srcOffset: Int.max, to: b, dstOffset: 0, count: 2) } throws: { isError($0, "shape") }
    #expect { // (Explicit strides: GemmShape.init computes m·k itself.)
      try cpu.gemm(b, b, into: b, GemmShape(m: Int.max / 4, n: 8, k: 8, strideA: 0, strideB: 0, strideC: 0)) } throws: { isError($0, "shape") }
    let huge = ConvShape(batch: Int.max / 8, channels: 16, height: 4, width: 4, kernelH: 2, kernelW: 2)
    #expect { try cpu.avgPool(b, into: b, huge) } throws: { isError($0, "shape") }
  }

  @Test func invalidParametersAreInvalidArguments() throws {
    let b = try cpu.makeBuffer(count: 16)
    #expect { try cpu.unary(.clamp(lo: 2, hi: 1), b, into: b, count: 16) } throws: { isError($0, "argument") }
    #expect { try cpu.unary(.affine(scale: .nan, shift: 0), b, into: b, count: 16) } throws: { isError($0, "argument") }
    #expect { try cpu.axpy(alpha: .infinity, b, b, count: 16) } throws: { isError($0, "argument") }
    #expect { try cpu.gemm(b, b, into: b, GemmShape(m: 2, n: 2, k: 2, alpha: .nan)) } throws: { isError($0, "argument") }
    #expect { try cpu.random(.normal(mean: 0, std: .infinity), key: PhiloxKey(seed: 1), counter: 0, into: b, count: 4) } throws: {
      isError($0, "argument")
    }
    #expect { try cpu.rows(.topKMask(k: 5), b, into: b, rows: 4, cols: 4) } throws: { isError($0, "argument") }
    // maxPoolBackward rejects an argmax that is not an offset in the plane (here NaN made on the device).
    let s = ConvShape(batch: 1, channels: 1, height: 2, width: 2, kernelH: 2, kernelW: 2)
    let arg = try cpu.makeBuffer([-1])
    try cpu.unary(.log, arg, into: arg, count: 1)
    #expect { try cpu.maxPoolBackward(gradOutput: b, argmax: arg, into: b, s) } throws: { isError($0, "argument") }
    try cpu.upload([4], to: arg)
    #expect { try cpu.maxPoolBackward(gradOutput: b, argmax: arg, into: b, s) } throws: { isError($0, "argument") }
  }

  @Test func zeroColumnRows() throws {
    let empty = try cpu.makeBuffer(count: 0), out = try cpu.makeBuffer([9, 9, 9])
    try cpu.rows(.sum, empty, into: out, rows: 3, cols: 0)
    #expect(try cpu.download(out) == [0, 0, 0])
    #expect { try cpu.rows(.argmax, empty, into: out, rows: 3, cols: 0) } throws: { isError($0, "shape") }
  }
}
