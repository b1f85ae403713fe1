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

  /// Hash of `values` under `key` (0 for the plain content hash).
  public static func hash(_ values: UnsafeBufferPointer<Float>, key: UInt64 = 0) -> UInt64 {
    var h = mix(key ^ UInt64(values.count) &* 0xD6E8_FEB8_6659_FD93)
    var i = 0
    let n = values.count
    while i + 1 < n {
      let w = bits(values[i]) | bits(values[i + 1]) << 32
      h = (h ^ (w &* 0x9E37_79B9_7F4A_7C15)) &* 0xC2B2_AE3D_27D4_EB4F
      h = (h << 29) | (h >> 35)
      i += 2
    }
    if i < n { h = (h ^ (bits(values[i]) &* 0x9E37_79B9_7F4A_7C15)) &* 0xC2B2_AE3D_27D4_EB4F }
    return mix(h)
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
