import Testing
@testable import GauntletOpenCL
import GauntletCore

/// Bad input throws the shared typed errors; nothing traps.
@Suite(.enabled(if: OCL.enabled, OCL.skipReason))
struct OpenCLValidationTests {
  func isForeign(_ e: any Error) -> Bool {
    if case .foreignBuffer? = e as? GauntletError { return true } else { return false }
  }

  @Test func foreignBuffersAreRejected() throws {
    let be = try OCL.backend()
    let mine = try be.makeBuffer(count: 8), foreign = ForeignBuffer(count: 8)
    #expect(performing: { try be.upload([1, 2], to: foreign) }, throws: isForeign)
    #expect(performing: { _ = try be.download(foreign) }, throws: isForeign)
    #expect(performing: { try be.unary(.relu, foreign, into: mine, count: 8) }, throws: isForeign)
    #expect(performing: { try be.binary(.add, mine, mine, into: foreign, count: 8) }, throws: isForeign)
    #expect(performing: { try be.copy(mine, srcOffset: 0, to: foreign, dstOffset: 0, count: 1) }, throws: isForeign)
    #expect(performing: {
      try be.random(.rademacher, key: PhiloxKey(seed: 1), counter: 0, into: foreign, count: 8)
    }, throws: isForeign)
    let gpu = try OCL.gpuTuned()          // another OpenCL backend's buffer is foreign too
    #expect(performing: { try gpu.unary(.relu, mine, into: mine, count: 8) }, throws: isForeign)
  }

  @Test func sizesAreChecked() throws {
    let be = try OCL.backend()
    let b = try be.makeBuffer(count: 8)
    #expect(throws: GauntletError.self) { try be.upload([Float](repeating: 1, count: 9), to: b) }
    #expect(throws: GauntletError.self) { try be.upload([1], to: b, offset: 8) }
    #expect(throws: GauntletError.self) { try be.upload([1], to: b, offset: -1) }
    #expect(throws: GauntletError.self) { _ = try be.download(b, offset: 4, count: 5) }
    #expect(throws: GauntletError.self) { try be.unary(.exp, b, into: b, count: 9) }
    #expect(throws: GauntletError.self) { try be.axpy(alpha: 1, b, b, count: -1) }
    #expect(throws: GauntletError.self) { try be.fill(b, value: 0, offset: Int.max, count: 2) }
    #expect(throws: GauntletError.self) {
      try be.broadcast(.add, b, b, into: b, rows: 2, cols: Int.max / 2 + 1, axis: .row)
    }
    #expect(throws: GauntletError.self) { try be.gatherRows(b, indices: [0, 2], cols: 4, into: b) }   // row 2 of 2
    #expect(throws: GauntletError.self) { try be.gatherRows(b, indices: [0, 1, 0], cols: 4, into: b) } // dst small
    #expect(throws: GauntletError.self) {
      try be.perturbRows(base: b, directions: b, sigma: 1, antithetic: true, into: b, samples: 1,
                         directionsPerSample: 2, dim: 4)      // out needs 16
    }
    #expect(throws: GauntletError.self) { try be.fill(b, value: .nan, offset: 0, count: 2) }
    #expect(throws: GauntletError.self) { _ = try be.makeBuffer(count: -1) }
    #expect(throws: GauntletError.self) { _ = try be.makeBuffer(count: 1 << 40) }
  }

  @Test func nonFiniteUploadIsRejectedWithIndex() throws {
    let be = try OCL.backend()
    let b = try be.makeBuffer([1, 2, 3, 4])
    #expect(throws: GauntletError.nonFinite(context: "upload", index: 2)) {
      try be.upload([0, 1, .nan, 3], to: b)
    }
    #expect(throws: GauntletError.nonFinite(context: "upload", index: 0)) { try be.upload([.infinity], to: b) }
    #expect(try be.download(b) == [1, 2, 3, 4], "a rejected upload must not write")
  }

  @Test func concurrentUseFromManyThreads() async throws {
    let be = try OCL.backend()
    try await withThrowingTaskGroup(of: Bool.self) { group in
      for t in 0..<8 {
        group.addTask {
          let x = OCL.data(500, seed: UInt64(50 + t))
          let dx = try be.makeBuffer(x), dy = try be.makeBuffer(count: 500)
          try be.unary(.affine(scale: 2, shift: Float(t)), dx, into: dy, count: 500)
          try be.gemm(dx, dx, into: dy, GemmShape(m: 10, n: 10, k: 50, beta: 0))
          let want = referenceGemm(x, x, [Float](repeating: 0, count: 100), GemmShape(m: 10, n: 10, k: 50))
          return zip(try be.download(dy, count: 100), want).allSatisfy { abs($0 - $1) < 1e-4 }
        }
      }
      for try await ok in group { #expect(ok) }
    }
  }
}
