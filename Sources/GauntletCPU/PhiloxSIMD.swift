import GauntletCore

/// Philox4x32-10 on 8 blocks at once (SIMD8 lanes), with the distributions of `Philox.values`
/// evaluated lane-wise by the same sequence of correctly rounded operations, so every element is
/// bit-identical to the scalar reference (the conformance suite checks this). About 4–5× faster
/// than one block at a time: the 32×32→64-bit products become `vpmuludq`.
///
/// The float code is a line-by-line port of `RNGMath.log`, `RNGMath.sincos2pi` and
/// `RNGMath.boxMuller` (constants spelled identically); keep them in step.
enum PhiloxSIMD {
  typealias U = SIMD8<UInt32>
  typealias F = SIMD8<Float>

  static let lanes = SIMD8<UInt64>(0, 1, 2, 3, 4, 5, 6, 7)

  /// The four words of blocks `first … first+7` of `key`.
  @inline(__always)
  static func blocks(_ first: UInt64, _ key: PhiloxKey) -> (U, U, U, U) {
    let b = SIMD8<UInt64>(repeating: first) &+ lanes   // wraps around 2⁶⁴ like `counter &+ i/4`
    var c0 = U(truncatingIfNeeded: b), c1 = U(truncatingIfNeeded: b &>> 32)
    var c2 = U(repeating: UInt32(truncatingIfNeeded: key.stream))
    var c3 = U(repeating: UInt32(truncatingIfNeeded: key.stream >> 32))
    var k0 = UInt32(truncatingIfNeeded: key.seed), k1 = UInt32(truncatingIfNeeded: key.seed >> 32)
    let m0 = SIMD8<UInt64>(repeating: UInt64(Philox.m0)), m1 = SIMD8<UInt64>(repeating: UInt64(Philox.m1))
    for _ in 0..<10 {
      let p0 = SIMD8<UInt64>(truncatingIfNeeded: c0) &* m0
      let p1 = SIMD8<UInt64>(truncatingIfNeeded: c2) &* m1
      let hi0 = U(truncatingIfNeeded: p0 &>> 32), lo0 = U(truncatingIfNeeded: p0)
      let hi1 = U(truncatingIfNeeded: p1 &>> 32), lo1 = U(truncatingIfNeeded: p1)
      (c0, c1, c2, c3) = (hi1 ^ c1 ^ U(repeating: k0), lo1, hi0 ^ c3 ^ U(repeating: k1), lo0)
      k0 = k0 &+ Philox.w0
      k1 = k1 &+ Philox.w1
    }
    return (c0, c1, c2, c3)
  }

  /// `RNGMath.unit`: `Float(w >> 8) · 2⁻²⁴` (exact conversion: < 2²⁴).
  @inline(__always)
  static func unit(_ w: U) -> F { F(w &>> 8) * 0x1p-24 }

  // The lane-wise math avoids `SIMDMask` selects and float→int conversions (generic per-lane code
  // in the standard library, ~10× slower here); it uses integer bit operations that give exactly
  // the same values, as noted at each step.

  /// All-ones lanes where `a > b`, for `a, b < 2³¹` (sign of `b − a`).
  @inline(__always)
  static func greater(_ a: U, _ b: U) -> U {
    U(truncatingIfNeeded: SIMD8<Int32>(truncatingIfNeeded: b &- a) &>> 31)
  }

  /// `RNGMath.log` lane-wise for `x` in (0, 1].
  @inline(__always)
  static func log(_ x: F) -> F {
    let bits = unsafeBitCast(x, to: U.self)
    let mant = bits & 0x007F_FFFF
    // `m > sqrt2` compares mantissas (same exponent); `m·0.5` is exact, i.e. exponent − 1.
    let big = greater(mant, U(repeating: 0x0035_04F3))     // sqrt2 = 0x1.6a09e6p+0 = 0x3FB504F3
    let m = unsafeBitCast((mant | U(repeating: 0x3F80_0000)) &- (big & U(repeating: 0x0080_0000)), to: F.self)
    let biased = SIMD8<Int32>(truncatingIfNeeded: (bits &>> 23) & U(repeating: 0xFF))
    let e = biased &- SIMD8<Int32>(repeating: 127) &- SIMD8<Int32>(truncatingIfNeeded: big)
    let one = F(repeating: 1)
    let s = (m - one) / (m + one)
    let s2 = s * s
    // p = s2·(c1 + s2·(c2 + s2·(c3 + s2·c4))), innermost first (IEEE + and × commute exactly).
    var p = s2 * F(repeating: 0x1.c71c72p-4)
    p = F(repeating: 0x1.24924ap-3) + p
    p = F(repeating: 0x1.99999ap-3) + s2 * p
    p = F(repeating: 0x1.555556p-2) + s2 * p
    p = s2 * p
    let lnm = (s + s) + (s + s) * p
    let fe = F(e)
    return fe * F(repeating: 0x1.62e4p-1) + (fe * F(repeating: 0x1.7f7d1cp-20) + lnm)
  }

  /// `RNGMath.sincos2pi(u)` lane-wise for `u = k·2⁻²⁴`, given `k` (< 2²⁴): `t = 4u = k·2⁻²²`, so
  /// `q = ⌊t⌋ = k >> 22` and `f = t − q = (k mod 2²²)·2⁻²²` exactly; `f > 0.5` wraps to `f − 1`.
  @inline(__always)
  static func sincos2pi(_ k: U) -> (sin: F, cos: F) {
    let kf = k & U(repeating: 0x003F_FFFF)
    let wrap = greater(kf, U(repeating: 0x0020_0000))
    let q = (k &>> 22) &+ (wrap & U(repeating: 1))
    let fi = SIMD8<Int32>(truncatingIfNeeded: kf) &- SIMD8<Int32>(truncatingIfNeeded: wrap & U(repeating: 0x0040_0000))
    let f = F(fi) * F(repeating: 0x1p-22)
    let a = f * F(repeating: 0x1.921fb6p+0)
    let a2 = a * a
    // s = a + a·a2·(c3 + a2·(c5 + a2·(c7 + a2·c9))), innermost first.
    var ps = a2 * F(repeating: 0x1.71de3ap-19)
    ps = F(repeating: -0x1.a01a02p-13) + ps
    ps = F(repeating: 0x1.111112p-7) + a2 * ps
    ps = F(repeating: -0x1.555556p-3) + a2 * ps
    let s = a + (a * a2) * ps
    // c = 1 + a2·(−0.5 + a2·(c4 + a2·(c6 + a2·c8))).
    var pc = a2 * F(repeating: 0x1.a01a02p-16)
    pc = F(repeating: -0x1.6c16c2p-10) + pc
    pc = F(repeating: 0x1.555556p-5) + a2 * pc
    pc = F(repeating: -0.5) + a2 * pc
    let c = F(repeating: 1) + a2 * pc
    // Quadrant q: 0 → (s, c), 1 → (c, −s), 2 → (−s, −c), 3 → (−c, s): swap on odd q, then flip
    // sign bits (negation is exactly a sign-bit flip).
    let sb = unsafeBitCast(s, to: U.self), cb = unsafeBitCast(c, to: U.self)
    let bit = U(repeating: 1)
    let swap = U.zero &- (q & bit)
    let sinBits = (sb & ~swap) | (cb & swap), cosBits = (cb & ~swap) | (sb & swap)
    let sinNeg = ((q &>> 1) & bit) &<< 31, cosNeg = ((q ^ (q &>> 1)) & bit) &<< 31
    return (unsafeBitCast(sinBits ^ sinNeg, to: F.self), unsafeBitCast(cosBits ^ cosNeg, to: F.self))
  }

  /// `RNGMath.boxMuller` lane-wise.
  @inline(__always)
  static func boxMuller(_ w0: U, _ w1: U) -> (F, F) {
    let u1 = F((w0 &>> 8) &+ U(repeating: 1)) * F(repeating: 0x1p-24)
    let r = (F(repeating: -2) * log(u1)).squareRoot()
    let (s, c) = sincos2pi(w1 &>> 8)
    return (r * c, r * s)
  }

  /// `Philox.values` for blocks `first … first+7`: element `j` of word `w` of block `first + l` is
  /// lane `l` of result `w`.
  @inline(__always)
  static func values(_ d: Distribution, _ key: PhiloxKey, _ first: UInt64) -> (F, F, F, F) {
    let w = blocks(first, key)
    switch d {
    case let .uniform(lo, hi):
      let span = hi - lo
      return (lo + span * unit(w.0), lo + span * unit(w.1), lo + span * unit(w.2), lo + span * unit(w.3))
    case .rademacher:
      // ±1 from the top bit: the bits of 1.0 with the word's sign bit.
      func pm(_ x: U) -> F { unsafeBitCast((x & U(repeating: 0x8000_0000)) | U(repeating: 0x3F80_0000), to: F.self) }
      return (pm(w.0), pm(w.1), pm(w.2), pm(w.3))
    case let .normal(mean, std):
      let (a, b) = boxMuller(w.0, w.1)
      let (c, e) = boxMuller(w.2, w.3)
      return (mean + std * a, mean + std * b, mean + std * c, mean + std * e)
    }
  }

  /// Fills elements `r` (with `r.lowerBound` a multiple of 4) of a fill starting at `counter`:
  /// groups of 32 elements (8 blocks) vectorised, the tail through the scalar reference. Always
  /// inlined into the chunk closure: compiled as a separate function, the SIMD code was measured
  /// 2–3× slower (lane-wise scalar code).
  @inline(__always)
  static func fill(_ d: Distribution, key: PhiloxKey, counter: UInt64, into p: UnsafeMutablePointer<Float>, _ r: Range<Int>) {
    var i = r.lowerBound
    while i + 32 <= r.upperBound {
      let v = values(d, key, counter &+ UInt64(i / 4))
      for l in 0..<8 {
        let o = p + i + 4 * l
        o[0] = v.0[l]; o[1] = v.1[l]; o[2] = v.2[l]; o[3] = v.3[l]
      }
      i += 32
    }
    if i < r.upperBound { CPUBackend.philox(d, key: key, counter: counter, into: p, i..<r.upperBound) }
  }
}
