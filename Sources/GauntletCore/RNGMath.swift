/// Hand-written float math for the RNG, written so that any IEEE-754 device evaluating the same
/// sequence of correctly rounded `+ − × ÷ sqrt` (no fused multiply-add) gets the same bits.
/// `Kernels/random.cl` is a line-by-line port; keep them in step.
///
/// Accuracy: `log` within ~2 ulp on (0, 1]; `sincos2pi` within ~2e-7 absolute.
public enum RNGMath {
  // Constants as exact float32 hex literals (same spelling in random.cl).
  @usableFromInline static let ln2Hi: Float = 0x1.62e4p-1
  @usableFromInline static let ln2Lo: Float = 0x1.7f7d1cp-20
  @usableFromInline static let sqrt2: Float = 0x1.6a09e6p+0
  @usableFromInline static let halfPi: Float = 0x1.921fb6p+0

  /// `u = Float(w >> 8) · 2⁻²⁴` ∈ [0, 1).
  @inlinable public static func unit(_ w: UInt32) -> Float { Float(w >> 8) * 0x1p-24 }

  /// ±1 from the top bit.
  @inlinable public static func rademacher(_ w: UInt32) -> Float { (w & 0x8000_0000) == 0 ? 1 : -1 }

  /// Natural log for `x` in (0, 1] (normal floats), via `log(m·2^e) = e·ln2 + 2·atanh((m−1)/(m+1))`.
  @inlinable
  public static func log(_ x: Float) -> Float {
    let bits = x.bitPattern
    var e = Int32((bits >> 23) & 0xFF) - 127
    var m = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F80_0000)
    if m > sqrt2 { m = m * 0.5; e = e + 1 }
    let s = (m - 1) / (m + 1)
    let s2 = s * s
    let p = s2 * (0x1.555556p-2 + s2 * (0x1.99999ap-3 + s2 * (0x1.24924ap-3 + s2 * 0x1.c71c72p-4)))
    let lnm = (s + s) + (s + s) * p
    let fe = Float(e)
    return fe * ln2Hi + (fe * ln2Lo + lnm)
  }

  /// `(sin 2πu, cos 2πu)` for `u` in [0, 1), by quadrant reduction and short polynomials.
  @inlinable
  public static func sincos2pi(_ u: Float) -> (sin: Float, cos: Float) {
    let t = u * 4
    var q = Int32(t)               // floor: t ≥ 0
    var f = t - Float(q)           // exact, in [0, 1)
    if f > 0.5 { f = f - 1; q = q + 1 }
    let a = f * halfPi             // in [−π/4, π/4]
    let a2 = a * a
    let s = a + a * a2 * (-0x1.555556p-3 + a2 * (0x1.111112p-7 + a2 * (-0x1.a01a02p-13 + a2 * 0x1.71de3ap-19)))
    let c = 1 + a2 * (-0.5 + a2 * (0x1.555556p-5 + a2 * (-0x1.6c16c2p-10 + a2 * 0x1.a01a02p-16)))
    switch q & 3 {
    case 0: return (s, c)
    case 1: return (c, -s)
    case 2: return (-s, -c)
    default: return (-c, s)
    }
  }

  /// Box–Muller pair from two words: `u₁ = ((w₀ >> 8) + 1)·2⁻²⁴`, `u₂ = (w₁ >> 8)·2⁻²⁴`.
  @inlinable
  public static func boxMuller(_ w0: UInt32, _ w1: UInt32) -> (Float, Float) {
    let u1 = Float((w0 >> 8) + 1) * 0x1p-24
    let u2 = Float(w1 >> 8) * 0x1p-24
    let r = (-2 * log(u1)).squareRoot()
    let (s, c) = sincos2pi(u2)
    return (r * c, r * s)
  }
}
