import GauntletCore

/// The Square Attack's proposal steps (host side: per-sample window geometry), after the
/// authors' reference implementation.
enum SquareSteps {
  @inline(__always) static func clip(_ v: Float, _ lo: Float, _ hi: Float) -> Float { min(max(v, lo), hi) }

  /// L∞ start: vertical stripes, one random sign per (channel, column).
  static func stripes(_ x0: [Float], _ g: ImageGeometry, _ eps: Float, _ lo: Float, _ hi: Float,
                      _ rng: inout HostRandom) -> [Float] {
    var x = x0
    for ch in 0..<g.c {
      for col in 0..<g.w {
        let s = rng.sign() * eps
        for r in 0..<g.h { let i = g.index(ch, r, col); x[i] = clip(x0[i] + s, lo, hi) }
      }
    }
    return x
  }

  /// Largest window side allowed: the reference caps at `h − 1` so a window never covers the image.
  static func maxSide(_ g: ImageGeometry) -> Int { max(1, min(g.h, g.w) - (min(g.h, g.w) > 1 ? 1 : 0)) }

  /// One L∞ proposal from the current best `xb`.
  static func linfStep(_ x0: ArraySlice<Float>, _ xb: ArraySlice<Float>, _ g: ImageGeometry, p: Float, _ eps: Float,
                       _ lo: Float, _ hi: Float, _ rng: inout HostRandom) -> [Float] {
    let b0 = x0.startIndex, bb = xb.startIndex
    var delta = (0..<g.count).map { xb[bb + $0] - x0[b0 + $0] }
    let s = min(max(Int((p * Float(g.count / g.c)).squareRoot().rounded()), 1), maxSide(g))
    let r0 = rng.below(g.h - s + 1), c0 = rng.below(g.w - s + 1)
    for _ in 0..<20 {
      var changed = false
      for ch in 0..<g.c {
        let v = rng.sign() * eps
        for r in r0..<(r0 + s) {
          for col in c0..<(c0 + s) {
            let i = g.index(ch, r, col)
            delta[i] = v
            if abs(clip(x0[b0 + i] + v, lo, hi) - xb[bb + i]) >= 1e-7 { changed = true }
          }
        }
      }
      if changed { break }
    }
    return (0..<g.count).map { clip(x0[b0 + $0] + delta[$0], lo, hi) }
  }

  /// `pseudo_gaussian_pert_rectangles(x, y)`: nested rectangles weighted 1/(k+1)², unit L2 norm.
  static func rectangles(_ x: Int, _ y: Int) -> [Float] {
    var delta = [Float](repeating: 0, count: x * y)
    guard x > 0, y > 0 else { return delta }
    let xc = x / 2 + 1, yc = y / 2 + 1
    var c0 = xc - 1, c1 = yc - 1
    for k in 0..<max(xc, yc) {
      let rLo = max(c0, 0), rHi = min(c0 + 2 * k + 1, x)
      let cLo = max(c1, 0), cHi = min(c1 + 2 * k + 1, y)
      if rLo < rHi && cLo < cHi {
        for r in rLo..<rHi { for c in cLo..<cHi { delta[r * y + c] += 1 / Float((k + 1) * (k + 1)) } }
      }
      c0 -= 1; c1 -= 1
    }
    return normalized(delta)
  }

  /// `meta_pseudo_gaussian_pert(s)`: two opposite-signed rectangle patterns, transposed with probability ½.
  static func metaPattern(_ s: Int, _ rng: inout HostRandom) -> [Float] {
    var delta = [Float](repeating: 0, count: s * s)
    let top = rectangles(s / 2, s), bottom = rectangles(s - s / 2, s)
    for i in 0..<top.count { delta[i] = top[i] }
    for i in 0..<bottom.count { delta[(s / 2) * s + i] = -bottom[i] }
    delta = normalized(delta)
    if rng.unit() > 0.5 {
      var t = delta
      for r in 0..<s { for c in 0..<s { t[c * s + r] = delta[r * s + c] } }
      delta = t
    }
    return delta
  }

  static func normalized(_ v: [Float]) -> [Float] {
    let n = v.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
    return n > 0 ? v.map { $0 / n } : v
  }

  /// `x0 + δ·ε/‖δ‖₂`, clipped to the box.
  static func onSphere(_ x0: ArraySlice<Float>, _ delta: [Float], _ eps: Float, _ lo: Float, _ hi: Float) -> [Float] {
    let n = delta.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
    let b = x0.startIndex
    guard n > 0 else { return Array(x0) }
    return (0..<delta.count).map { clip(x0[b + $0] + delta[$0] * (eps / n), lo, hi) }
  }

  /// L2 start: a grid of `h/5`-sided meta-pattern blocks with random signs, scaled to ε.
  static func l2Start(_ x0: [Float], _ g: ImageGeometry, _ eps: Float, _ lo: Float, _ hi: Float,
                      _ rng: inout HostRandom) -> [Float] {
    let s = max(g.h / 5, 1)
    var delta = [Float](repeating: 0, count: g.count)
    let pattern = metaPattern(s, &rng)
    let start = max((g.h - s * 5) / 2, 0)
    var r0 = start
    for _ in 0..<(g.h / s) {
      var c0 = start
      for _ in 0..<(g.w / s) {
        for ch in 0..<g.c {
          let sign = rng.sign()
          for i in 0..<s where r0 + i < g.h {
            for j in 0..<s where c0 + j < g.w { delta[g.index(ch, r0 + i, c0 + j)] += sign * pattern[i * s + j] }
          }
        }
        c0 += s
      }
      r0 += s
    }
    return onSphere(x0[...], delta, eps, lo, hi)
  }

  /// One L2 proposal from the current best `xb`: a new meta-pattern in window 1, window 2's
  /// mass moved into it, the whole perturbation rescaled to ε.
  static func l2Step(_ x0: ArraySlice<Float>, _ xb: ArraySlice<Float>, _ g: ImageGeometry, p: Float, _ eps: Float,
                     _ lo: Float, _ hi: Float, _ rng: inout HostRandom) -> [Float] {
    let b0 = x0.startIndex, bb = xb.startIndex
    let delta = (0..<g.count).map { xb[bb + $0] - x0[b0 + $0] }
    let side = min(g.h, g.w)
    var s = max(Int((p * Float(g.count / g.c)).squareRoot().rounded()), 3)
    if s % 2 == 0 { s += 1 }
    s = min(s, side)
    let r1 = rng.below(g.h - s + 1), c1 = rng.below(g.w - s + 1)
    let r2 = rng.below(g.h - s + 1), c2 = rng.below(g.w - s + 1)
    func inW1(_ r: Int, _ c: Int) -> Bool { r >= r1 && r < r1 + s && c >= c1 && c < c1 + s }
    func inW2(_ r: Int, _ c: Int) -> Bool { r >= r2 && r < r2 + s && c >= c2 && c < c2 + s }
    let imageNorm2 = delta.reduce(Float(0)) { $0 + $1 * $1 }
    let pattern = metaPattern(s, &rng)
    var next = delta
    for ch in 0..<g.c {
      var w1: Float = 0, union: Float = 0
      for r in 0..<g.h {
        for c in 0..<g.w {
          let v = delta[g.index(ch, r, c)]
          if inW1(r, c) { w1 += v * v }
          if inW1(r, c) || inW2(r, c) { union += v * v }
        }
      }
      let sign = rng.sign()
      var upd = [Float](repeating: 0, count: s * s)
      for i in 0..<s { for j in 0..<s {
        upd[i * s + j] = sign * pattern[i * s + j] + delta[g.index(ch, r1 + i, c1 + j)] / (1e-10 + w1.squareRoot())
      } }
      let target = (max(eps * eps - imageNorm2, 0) / Float(g.c) + union).squareRoot()
      upd = normalized(upd).map { $0 * target }
      for r in r2..<(r2 + s) { for c in c2..<(c2 + s) { next[g.index(ch, r, c)] = 0 } }
      for i in 0..<s { for j in 0..<s { next[g.index(ch, r1 + i, c1 + j)] = upd[i * s + j] } }
    }
    return onSphere(x0, next, eps, lo, hi)
  }
}
