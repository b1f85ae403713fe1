/// A 64-bit hash of a row's exact float contents, used to key content-seeded randomness (noise,
/// watermark selection) so that equal rows are treated identically.
///
/// `-0.0` is hashed as `+0.0`; everything else by its bit pattern. Not cryptographic: a keyed
/// defense mixes its own secret key in (`hash(…, key:)`).
public enum RowHash {
  /// The splitmix64 finalizer: a bijective 64-bit mixer.
  @inline(__always)
  public static func mix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  @inline(__always)
  static func bits(_ x: Float) -> UInt64 {
    let b = x.bitPattern
    return UInt64(b == 0x8000_0000 ? 0 : b)
  }

  /// Hash of `values` under `key` (0 for the plain content hash): four independent
  /// xor-multiply lanes over 64-bit words (pairs of floats; each step a bijection of the lane),
  /// folded through the splitmix64 finalizer.
  public static func hash(_ values: UnsafeBufferPointer<Float>, key: UInt64 = 0) -> UInt64 {
    let m1: UInt64 = 0x9E37_79B9_7F4A_7C15, m2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    var h0 = mix(key ^ UInt64(values.count) &* 0xD6E8_FEB8_6659_FD93)
    var h1 = h0 ^ 0x1, h2 = h0 ^ 0x2, h3 = h0 ^ 0x3
    @inline(__always) func step(_ h: inout UInt64, _ w: UInt64) { h = (h ^ w) &* m2 }
    let n = values.count
    var i = 0
    while i + 8 <= n {
      step(&h0, bits(values[i]) | bits(values[i + 1]) << 32)
      step(&h1, bits(values[i + 2]) | bits(values[i + 3]) << 32)
      step(&h2, bits(values[i + 4]) | bits(values[i + 5]) << 32)
      step(&h3, bits(values[i + 6]) | bits(values[i + 7]) << 32)
      i += 8
    }
    while i + 1 < n {
      step(&h0, bits(values[i]) | bits(values[i + 1]) << 32)
      i += 2
    }
    if i < n { step(&h1, bits(values[i])) }
    return mix(mix(h0 ^ (h1 &* m1)) ^ mix(h2 ^ (h3 &* m1)))
  }

  /// Hash of each `cols`-element row of `values`.
  public static func rows(_ values: [Float], cols: Int, key: UInt64 = 0) -> [UInt64] {
    guard cols > 0 else { return [] }
    let n = values.count / cols
    return values.withUnsafeBufferPointer { p in
      (0..<n).map { r in hash(UnsafeBufferPointer(rebasing: p[(r * cols)..<((r + 1) * cols)]), key: key) }
    }
  }

  /// Hash of one row given as an array slice.
  public static func hash(_ row: ArraySlice<Float>, key: UInt64 = 0) -> UInt64 {
    row.withUnsafeBufferPointer { hash($0, key: key) }
  }

  /// A uniform number in [0, 1) from a hash (top 53 bits).
  public static func unit(_ h: UInt64) -> Double { Double(h >> 11) * 0x1p-53 }
}
