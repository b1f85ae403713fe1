import Testing
@testable import GauntletCore

/// Known-answer vectors from Random123's `kat_vectors` (philox4x32_10).
@Suite struct PhiloxTests {
  @Test func knownAnswerVectors() {
    let zero = Philox.rounds((0, 0, 0, 0), (0, 0))
    #expect(zero == (0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8))
    let ones = Philox.rounds((0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff), (0xffff_ffff, 0xffff_ffff))
    #expect(ones == (0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd))
    let pi = Philox.rounds((0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), (0xa409_3822, 0x299f_31d0))
    #expect(pi == (0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1))
  }

  @Test func fillIsIndependentOfChunking() {
    let key = PhiloxKey(seed: 42, stream: 7)
    let whole = Philox.fill(.normal(mean: 0, std: 1), key: key, counter: 3, count: 103)
    var parts = [Float](repeating: 0, count: 103)
    parts.withUnsafeMutableBufferPointer { p in
      Philox.fill(.normal(mean: 0, std: 1), key: key, counter: 3,
                  into: UnsafeMutableBufferPointer(rebasing: p[0..<5]), startElement: 0)
      Philox.fill(.normal(mean: 0, std: 1), key: key, counter: 3,
                  into: UnsafeMutableBufferPointer(rebasing: p[5..<103]), startElement: 5)
    }
    #expect(whole == parts)
  }

  @Test func handWrittenMathIsAccurate() {
    var worstLog: Double = 0
    var x: Float = 1
    while x > 1e-30 {
      worstLog = max(worstLog, abs(Double(RNGMath.log(x)) - Foundation_log(Double(x))) / max(1, abs(Foundation_log(Double(x)))))
      x *= 0.93
    }
    #expect(worstLog < 1e-6)
    var worstTrig: Double = 0
    for i in 0..<4096 {
      let u = Float(i) / 4096
      let (s, c) = RNGMath.sincos2pi(u)
      worstTrig = max(worstTrig, abs(Double(s) - sin(2 * .pi * Double(u))), abs(Double(c) - cos(2 * .pi * Double(u))))
    }
    #expect(worstTrig < 1e-6)
  }

  @Test func normalMomentsAndUniformRange() {
    let key = PhiloxKey(seed: 1)
    let z = Philox.fill(.normal(mean: 0, std: 1), key: key, counter: 0, count: 100_000)
    let mean = z.reduce(0, +) / Float(z.count)
    let varc = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(z.count)
    #expect(abs(mean) < 0.02)
    #expect(abs(varc - 1) < 0.02)
    let u = Philox.fill(.uniform(lo: -1, hi: 1), key: key, counter: 0, count: 10_000)
    #expect(u.allSatisfy { $0 >= -1 && $0 < 1 })
    let r = Philox.fill(.rademacher, key: key, counter: 0, count: 10_000)
    #expect(r.allSatisfy { $0 == 1 || $0 == -1 })
    #expect(abs(r.reduce(0, +)) < 400)
  }
}

#if canImport(Glibc)
import Glibc
#endif
private func Foundation_log(_ x: Double) -> Double { log(x) }

@Suite struct ShapeOverflowTests {
  @Test func hugeGemmShapeIsRejectedNotTrapped() {
    let s = GemmShape(m: Int.max / 2, n: 4, k: 4)
    #expect(s.requiredA == Int.max)
    #expect(throws: GauntletError.self) { try s.validate(countA: 16, countB: 16, countC: 16) }
  }

  @Test func hugeConvShapeIsRejectedNotTrapped() {
    let c = ConvShape(batch: Int.max / 4, channels: 8, height: 8, width: 8, kernelH: 3, kernelW: 3)
    #expect(throws: GauntletError.self) { try c.validate("im2col") }
  }
}
