/// Key of the counter-based generator: a 64-bit seed and a 64-bit stream id.
///
/// Two fills with the same key and counter produce the same bits on every backend; different
/// streams are independent. Derive per-purpose keys with `derived(_:)` instead of reusing one.
public struct PhiloxKey: Sendable, Hashable, Codable {
  public var seed: UInt64
  public var stream: UInt64
  public init(seed: UInt64, stream: UInt64 = 0) { self.seed = seed; self.stream = stream }

  /// A key for a sub-purpose (a layer, a sample, an attack step), mixing `tag` into the stream.
  public func derived(_ tag: UInt64) -> PhiloxKey {
    let w = Philox.block(counter: (tag, stream), key: PhiloxKey(seed: seed, stream: 0x5EED))
    return PhiloxKey(seed: seed, stream: UInt64(w.0) | UInt64(w.1) << 32)
  }
}

/// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011), the
/// reference every backend must match bit for bit.
///
/// Block `b` of key `(seed, stream)` is the 4-word counter `(lo32(b), hi32(b), lo32(stream),
/// hi32(stream))` encrypted with the 2-word key `(lo32(seed), hi32(seed))`. Element `i` of a fill
/// starting at `counter` uses block `counter + i/4`, word `i % 4`:
/// - uniform: `lo + (hi − lo)·u`, `u = Float(w >> 8) · 2⁻²⁴` ∈ [0, 1)
/// - rademacher: `w & 0x8000_0000 == 0 ? +1 : −1`
/// - normal: words (0,1) and (2,3) form Box–Muller pairs with `u₁ = Float((w₀ >> 8) + 1)·2⁻²⁴`
///   ∈ (0, 1], `u₂ = Float(w₁ >> 8)·2⁻²⁴`: `r = sqrt(−2·log(u₁))`, element 0 = `r·cos(2πu₂)`,
///   element 1 = `r·sin(2πu₂)`, each then `mean + std·z`. `log` and `sincos` are `RNGMath`'s
///   hand-written versions so every device computes the same bits.
public enum Philox {
  public static let m0: UInt32 = 0xD251_1F53
  public static let m1: UInt32 = 0xCD9E_8D57
  public static let w0: UInt32 = 0x9E37_79B9
  public static let w1: UInt32 = 0xBB67_AE85

  /// Ten rounds on an explicit 4-word counter and 2-word key.
  @inlinable
  public static func rounds(_ c: (UInt32, UInt32, UInt32, UInt32), _ k: (UInt32, UInt32))
    -> (UInt32, UInt32, UInt32, UInt32) {
    var (c0, c1, c2, c3) = c
    var (k0, k1) = k
    for _ in 0..<10 {
      let p0 = UInt64(m0) &* UInt64(c0)
      let p1 = UInt64(m1) &* UInt64(c2)
      let hi0 = UInt32(truncatingIfNeeded: p0 >> 32), lo0 = UInt32(truncatingIfNeeded: p0)
      let hi1 = UInt32(truncatingIfNeeded: p1 >> 32), lo1 = UInt32(truncatingIfNeeded: p1)
      (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
      k0 = k0 &+ w0
      k1 = k1 &+ w1
    }
    return (c0, c1, c2, c3)
  }

  /// Block `counter.0` (64-bit block index) of stream `counter.1` under `key.seed`.
  @inlinable
  public static func block(counter: (UInt64, UInt64), key: PhiloxKey) -> (UInt32, UInt32, UInt32, UInt32) {
    let (b, s) = counter
    return rounds((UInt32(truncatingIfNeeded: b), UInt32(truncatingIfNeeded: b >> 32),
                   UInt32(truncatingIfNeeded: s), UInt32(truncatingIfNeeded: s >> 32)),
                  (UInt32(truncatingIfNeeded: key.seed), UInt32(truncatingIfNeeded: key.seed >> 32)))
  }

  /// The four values of block `block` for `distribution`.
  @inlinable
  public static func values(_ distribution: Distribution, key: PhiloxKey, block: UInt64) -> (Float, Float, Float, Float) {
    let w = Self.block(counter: (block, key.stream), key: key)
    switch distribution {
    case let .uniform(lo, hi):
      let span = hi - lo
      return (lo + span * RNGMath.unit(w.0), lo + span * RNGMath.unit(w.1),
              lo + span * RNGMath.unit(w.2), lo + span * RNGMath.unit(w.3))
    case .rademacher:
      return (RNGMath.rademacher(w.0), RNGMath.rademacher(w.1), RNGMath.rademacher(w.2), RNGMath.rademacher(w.3))
    case let .normal(mean, std):
      let (a, b) = RNGMath.boxMuller(w.0, w.1)
      let (c, d) = RNGMath.boxMuller(w.2, w.3)
      return (mean + std * a, mean + std * b, mean + std * c, mean + std * d)
    }
  }

  /// Host-side fill: the reference for `Backend.random`.
  public static func fill(_ distribution: Distribution, key: PhiloxKey, counter: UInt64, count: Int) -> [Float] {
    var out = [Float](repeating: 0, count: count)
    out.withUnsafeMutableBufferPointer { fill(distribution, key: key, counter: counter, into: $0) }
    return out
  }

  /// Host-side fill into `out` (element `i` as in the type's documentation).
  public static func fill(_ distribution: Distribution, key: PhiloxKey, counter: UInt64,
                          into out: UnsafeMutableBufferPointer<Float>, startElement: Int = 0) {
    var i = 0
    let n = out.count
    while i < n {
      let e = startElement + i
      let blk = counter &+ UInt64(e / 4)
      let v = values(distribution, key: key, block: blk)
      var j = e % 4
      while j < 4 && i < n {
        switch j {
        case 0: out[i] = v.0
        case 1: out[i] = v.1
        case 2: out[i] = v.2
        default: out[i] = v.3
        }
        i += 1; j += 1
      }
    }
  }
}
