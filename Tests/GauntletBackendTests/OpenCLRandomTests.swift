import Testing
@testable import GauntletOpenCL
import GauntletCore

/// `random` must be bit-identical to `Philox.fill` for every distribution, key, counter and count.
@Suite(.enabled(if: OCL.enabled, OCL.skipReason))
struct OpenCLRandomTests {
  static let distributions: [Distribution] = [.uniform(lo: -1, hi: 1), .uniform(lo: 0, hi: 1), .uniform(lo: 2.5, hi: 3),
                                              .normal(mean: 0, std: 1), .normal(mean: -3, std: 0.5), .rademacher]

  @Test(arguments: distributions) func bitIdenticalToPhiloxFill(_ d: Distribution) throws {
    let be = try OCL.backend()
    let cases: [(PhiloxKey, UInt64, Int)] = [
      (PhiloxKey(seed: 0), 0, 1),
      (PhiloxKey(seed: 42, stream: 7), 3, 103),
      (PhiloxKey(seed: 0xDEAD_BEEF_CAFE_F00D, stream: 0x1234_5678_9ABC_DEF0), (1 << 32) - 2, 4099),
      (PhiloxKey(seed: 1).derived(5), 0xFFFF_FFFF_FFFF_FFFE, 30),   // counter wraps past 2^64
      (PhiloxKey(seed: 9, stream: 1), 1 << 40, 65_537),
    ]
    for (key, counter, count) in cases {
      let buffer = try be.makeBuffer(count: count + 3)
      try be.fill(buffer, value: 7, offset: 0, count: count + 3)
      try be.random(d, key: key, counter: counter, into: buffer, count: count)
      let got = try be.download(buffer)
      let want = Philox.fill(d, key: key, counter: counter, count: count)
      let mismatches = zip(got, want).filter { $0.bitPattern != $1.bitPattern }.count
      #expect(mismatches == 0, "\(d) key \(key) counter \(counter) count \(count): \(mismatches) differ")
      #expect(Array(got[count...]) == [7, 7, 7], "wrote past count")
    }
  }

  @Test func rejectsNonFiniteParameters() throws {
    let be = try OCL.backend()
    let b = try be.makeBuffer(count: 4)
    #expect(throws: GauntletError.self) {
      try be.random(.uniform(lo: 0, hi: .infinity), key: PhiloxKey(seed: 1), counter: 0, into: b, count: 4)
    }
    #expect(throws: GauntletError.self) {
      try be.random(.normal(mean: .nan, std: 1), key: PhiloxKey(seed: 1), counter: 0, into: b, count: 4)
    }
    #expect(throws: GauntletError.self) {
      try be.random(.rademacher, key: PhiloxKey(seed: 1), counter: 0, into: b, count: 5)
    }
  }
}
