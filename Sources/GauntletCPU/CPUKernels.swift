import GauntletCore

/// Overflow-checked size arithmetic: a bogus size becomes a typed error, never a trap.
enum Extent {
  @inline(__always)
  static func sum(_ a: Int, _ b: Int, _ op: String) throws -> Int {
    let (r, o) = a.addingReportingOverflow(b)
    guard !o else { throw GauntletError.shapeMismatch(operation: op, detail: "\(a) + \(b) overflows") }
    return r
  }

  @inline(__always)
  static func product(_ a: Int, _ b: Int, _ op: String) throws -> Int {
    let (r, o) = a.multipliedReportingOverflow(by: b)
    guard !o else { throw GauntletError.shapeMismatch(operation: op, detail: "\(a) × \(b) overflows") }
    return r
  }
}

/// Serial reductions over contiguous floats. Swift has no fast-math, so LLVM will not reorder a
/// scalar float reduction; these keep explicit 8-lane accumulators (plain vector `+`, `*` and
/// selects — never `addProduct`, which lowers to a libm call per lane).
enum CPUKernels {
  /// True when no element is NaN or ±Inf (integer max over the exponent fields; vectorises).
  static func allFinite(_ p: UnsafePointer<Float>, _ n: Int) -> Bool {
    let bits = UnsafeRawPointer(p).assumingMemoryBound(to: UInt32.self)
    var worst: UInt32 = 0
    for i in 0..<n { worst = Swift.max(worst, bits[i] & 0x7F80_0000) }
    return worst != 0x7F80_0000
  }

  @inline(__always)
  static func load8(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
  }

  /// `Σ p[i]`.
  static func sum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
    var i = 0
    while i + 16 <= n { a0 += load8(p, i); a1 += load8(p, i + 8); i += 16 }
    if i + 8 <= n { a0 += load8(p, i); i += 8 }
    var s = (a0 + a1).sum()
    while i < n { s += p[i]; i += 1 }
    return s
  }

  /// `Σ p[i]²`.
  static func sumSquares(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
    var i = 0
    while i + 16 <= n {
      let v0 = load8(p, i), v1 = load8(p, i + 8)
      a0 += v0 * v0; a1 += v1 * v1; i += 16
    }
    if i + 8 <= n { let v = load8(p, i); a0 += v * v; i += 8 }
    var s = (a0 + a1).sum()
    while i < n { s += p[i] * p[i]; i += 1 }
    return s
  }

  /// `max p[i]` (`n ≥ 1`).
  static func max(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var m = p[0]
    var i = 0
    if n >= 16 {
      var a = load8(p, 0)
      i = 8
      while i + 8 <= n { let v = load8(p, i); a.replace(with: v, where: v .> a); i += 8 }
      m = a.max()
    }
    while i < n { if p[i] > m { m = p[i] }; i += 1 }
    return m
  }

  /// `max |p[i]|` (0 when `n == 0`).
  static func maxAbs(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var m: Float = 0
    var i = 0
    if n >= 16 {
      var a = SIMD8<Float>()
      while i + 8 <= n {
        let v = load8(p, i)
        let av = v.replacing(with: -v, where: v .< 0)
        a.replace(with: av, where: av .> a); i += 8
      }
      m = a.max()
    }
    while i < n { let v = Swift.abs(p[i]); if v > m { m = v }; i += 1 }
    return m
  }

  /// `‖p‖₂`, rescaled by the largest magnitude when the plain sum of squares over- or underflows.
  static func l2Norm(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    let ss = sumSquares(p, n)
    if ss.isFinite && ss >= Float.leastNormalMagnitude * 0x1p24 { return ss.squareRoot() }
    let m = maxAbs(p, n)
    guard m > 0 else { return 0 }
    let inv = 1 / m
    var s: Float = 0
    for i in 0..<n { let v = p[i] * inv; s += v * v }
    return m * s.squareRoot()
  }
}
