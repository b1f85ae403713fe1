import Testing
@testable import GauntletOpenCL
import GauntletCore

/// Plain-Swift batched GEMM in Double, the reference for both kernel profiles.
func referenceGemm(_ a: [Float], _ b: [Float], _ c: [Float], _ s: GemmShape) -> [Float] {
  var out = c
  for bt in 0..<s.batch {
    let oa = s.offsetA + bt * s.strideA, ob = s.offsetB + bt * s.strideB, oc = s.offsetC + bt * s.strideC
    for i in 0..<s.m {
      for j in 0..<s.n {
        var acc = 0.0
        for p in 0..<s.k {
          let av = s.transA ? a[oa + p * s.m + i] : a[oa + i * s.k + p]
          let bv = s.transB ? b[ob + j * s.k + p] : b[ob + p * s.n + j]
          acc += Double(av) * Double(bv)
        }
        let old = s.beta == 0 ? 0 : Double(s.beta) * Double(c[oc + i * s.n + j])
        out[oc + i * s.n + j] = Float(Double(s.alpha) * acc + old)
      }
    }
  }
  return out
}

@Suite(.enabled(if: OCL.enabled, OCL.skipReason))
struct OpenCLGemmTests {
  static let shapes: [GemmShape] = [
    GemmShape(m: 1, n: 1, k: 1),
    GemmShape(m: 7, n: 93, k: 13),
    GemmShape(m: 93, n: 7, k: 144, transA: true),
    GemmShape(m: 17, n: 33, k: 5, transB: true, alpha: 0.5, beta: 2),
    GemmShape(batch: 3, m: 13, n: 19, k: 31, transA: true, transB: true, alpha: -1.5, beta: 0.25),
    GemmShape(m: 144, n: 160, k: 67),
    GemmShape(batch: 2, m: 6, n: 16, k: 8, strideA: 60, strideB: 150, strideC: 100,
              offsetA: 3, offsetB: 5, offsetC: 7),
  ]

  func check(_ be: OpenCLBackend, _ s: GemmShape) throws {
    let a = OCL.data(s.requiredA, seed: 1), b = OCL.data(s.requiredB, seed: 2), c = OCL.data(s.requiredC, seed: 3)
    let da = try be.makeBuffer(a), db = try be.makeBuffer(b), dc = try be.makeBuffer(c)
    try be.gemm(da, db, into: dc, s)
    let got = try be.download(dc)
    let want = referenceGemm(a, b, c, s)
    let tol = Float(s.k) * 1e-6 + 1e-5
    let worst = zip(got, want).map { abs($0 - $1) }.max() ?? 0
    #expect(worst <= tol, "\(s) [\(be.tuning.profile)]: max error \(worst)")
  }

  @Test(arguments: shapes) func packedMatchesReference(_ s: GemmShape) throws {
    let be = try OCL.backend()
    try check(be, s)
  }

  @Test(arguments: shapes) func tiledGPUProfileMatchesReference(_ s: GemmShape) throws {
    let be = try OCL.gpuTuned()
    #expect(be.tuning.profile == .gpu)
    try check(be, s)
  }

  @Test func largerBatchedMatchesReference() throws {
    let be = try OCL.backend()
    try check(be, GemmShape(batch: 5, m: 61, n: 45, k: 129, transB: true))
  }

  @Test(arguments: [KernelTuning.Profile.cpu, .gpu])
  func betaZeroDoesNotReadC(_ profile: KernelTuning.Profile) throws {
    let be = profile == .cpu ? try OCL.backend() : try OCL.gpuTuned()
    let s = GemmShape(m: 9, n: 21, k: 4)
    let a = OCL.data(36, seed: 4), b = OCL.data(84, seed: 5)
    let da = try be.makeBuffer(a), db = try be.makeBuffer(b)
    let zeros = try be.makeBuffer([Float](repeating: 0, count: 189))
    let dc = try be.makeBuffer(count: 189)
    try be.binary(.div, zeros, zeros, into: dc, count: 189)   // 0/0: C is all NaN
    #expect(try be.download(dc).allSatisfy { $0.isNaN })
    try be.gemm(da, db, into: dc, s)
    let got = try be.download(dc)
    #expect(got.allSatisfy { $0.isFinite })
    let want = referenceGemm(a, b, [Float](repeating: 0, count: 189), s)
    #expect(zip(got, want).allSatisfy { abs($0 - $1) < 1e-5 })
  }

  @Test func zeroKScalesC() throws {
    let be = try OCL.backend()
    let c = OCL.data(12, seed: 6)
    let dc = try be.makeBuffer(c)
    let empty = try be.makeBuffer(count: 0)
    try be.gemm(empty, empty, into: dc, GemmShape(m: 3, n: 4, k: 0, beta: 2))
    #expect(try be.download(dc) == c.map { 2 * $0 })
    try be.gemm(empty, empty, into: dc, GemmShape(batch: 0, m: 3, n: 4, k: 5))   // no work, no error
  }

  @Test func rejectsBadBuffers() throws {
    let be = try OCL.backend()
    let small = try be.makeBuffer(count: 5), big = try be.makeBuffer(count: 100)
    #expect(throws: GauntletError.self) { try be.gemm(small, big, into: big, GemmShape(m: 3, n: 3, k: 3)) }
    #expect(throws: GauntletError.self) {
      try be.gemm(big, big, into: big, GemmShape(m: -1, n: 3, k: 3))
    }
    #expect {
      try be.gemm(ForeignBuffer(count: 100), big, into: big, GemmShape(m: 3, n: 3, k: 3))
    } throws: { e in
      if case .foreignBuffer? = e as? GauntletError { return true } else { return false }
    }
  }
}

extension OpenCLGemmTests {
  /// Every shape through the one-launch `gemm_direct` path (threshold forced above the sizes).
  @Test func directPathMatchesReference() throws {
    _ = try OCL.backend()
    var t = KernelTuning.cpu
    t.gemmDirectFlops = .infinity
    let be = try OpenCLBackend(tuning: t)
    for s in Self.shapes { try check(be, s) }
  }
}
