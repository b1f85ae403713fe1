import GauntletCore

extension Checker {
  /// Upload/download, copy, fill, gatherRows and the RNG: all exact (bit for bit), with guard
  /// entries around each write that must keep their sentinel value.
  func memoryChecks() {
    for n in Self.vectorSizes {
      check("upload/download", "n=\(n) offset 3") {
        let x = uniform(n, -100, 100)
        let b = try buffer(count: n + 5)
        try backend.upload(x, to: b, offset: 3)
        let all = try read(b)
        let part = try backend.download(b, offset: 3, count: n)
        return Metric.bitExact(all + part, [1234.5, 1234.5, 1234.5] + x + [1234.5, 1234.5] + x)
      }
      check("copy", "n=\(n) srcOffset 2 dstOffset 5") {
        let x = uniform(n + 2, -100, 100)
        let dst = try buffer(count: n + 9)
        try backend.copy(try buffer(x), srcOffset: 2, to: dst, dstOffset: 5, count: n)
        let s: Float = 1234.5
        return Metric.bitExact(try read(dst), [s, s, s, s, s] + Array(x[2...]) + [s, s, s, s])
      }
      check("fill", "n=\(n) offset 4") {
        let b = try buffer(count: n + 7)
        try backend.fill(b, value: -2.75, offset: 4, count: n)
        let s: Float = 1234.5
        return Metric.bitExact(try read(b), [s, s, s, s] + [Float](repeating: -2.75, count: n) + [s, s, s])
      }
    }
    for (srcRows, picks, cols) in [(1, 1, 1), (50, 93, 7), (20, 144, 93), (600, 500, 100)] {
      check("gatherRows", "\(picks) of \(srcRows) rows × \(cols)") {
        let src = uniform(srcRows * cols, -100, 100)
        let idx = indices(picks, below: srcRows)
        let dst = try buffer(count: picks * cols + 3)
        try backend.gatherRows(try buffer(src), indices: idx, cols: cols, into: dst)
        var want: [Float] = []
        for i in idx { want += src[(Int(i) * cols)..<((Int(i) + 1) * cols)] }
        return Metric.bitExact(try read(dst), want + [1234.5, 1234.5, 1234.5])
      }
    }
  }

  /// `Backend.random` against `Philox.fill`, bit for bit, for every distribution at odd counts and
  /// counters that cross the 32-bit word boundary and wrap around 2⁶⁴.
  func randomChecks() {
    let dists: [(String, Distribution)] = [
      ("uniform[-1,1)", .uniform(lo: -1, hi: 1)), ("uniform[0,1)", .uniform(lo: 0, hi: 1)),
      ("normal(0,1)", .normal(mean: 0, std: 1)), ("normal(2,0.5)", .normal(mean: 2, std: 0.5)),
      ("rademacher", .rademacher),
    ]
    let key = PhiloxKey(seed: seed ^ 0x0123_4567_89AB_CDEF, stream: 7)
    let derived = PhiloxKey(seed: seed &+ 0xFFFF_FFFF_0000_0001, stream: 0).derived(42)
    for (name, d) in dists {
      for n in [1, 7, 93, 144, 1001, 40_003] {
        check("random", "\(name) n=\(n) counter 3") { try randomCase(d, key, counter: 3, n) }
      }
      for counter: UInt64 in [0, 0xFFFF_FFFE, UInt64.max - 5] {
        check("random", "\(name) n=93 counter \(counter)") { try randomCase(d, derived, counter: counter, 93) }
      }
      check("random", "\(name) n=40003 counter 4294967294") { try randomCase(d, derived, counter: 0xFFFF_FFFE, 40_003) }
    }
  }

  func randomCase(_ d: Distribution, _ key: PhiloxKey, counter: UInt64, _ n: Int) throws -> Measure {
    let b = try buffer(count: n + 3)
    try backend.random(d, key: key, counter: counter, into: b, count: n)
    let want = Philox.fill(d, key: key, counter: counter, count: n) + [1234.5, 1234.5, 1234.5]
    return Metric.bitExact(try read(b), want)
  }
}
