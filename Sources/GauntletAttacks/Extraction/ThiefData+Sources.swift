import GauntletCore
import GauntletModels

extension ThiefData {
  /// Thief pools built from a problem-domain sample set (`features`, row-major) or from nothing:
  /// - `domain` — the features as they are (Knockoff's and ActiveThief's setting: the thief has
  ///   unlabelled data from the victim's domain, e.g. the digits training split);
  /// - `noise` — uniform in the box (no data at all);
  /// - `mixup` — convex mixes `λ·a + (1−λ)·b`, λ ~ U(0.3, 0.7), of two random domain rows plus
  ///   U(±0.1·span) noise: off-manifold inputs near the domain;
  /// - `strokes` — images of 1–3 random line segments (for square single-channel inputs; other
  ///   shapes fall back to `noise`): non-problem-domain "natural" inputs, Copycat's setting
  ///   (Correia-Silva et al. 2018 query with images from outside the problem domain).
  public enum Source: String, Sendable, CaseIterable { case domain, noise, mixup, strokes }

  /// `count` rows of `source` (`domain` returns `features` whole and ignores `count`).
  public static func make(_ source: Source, domain features: [Float], featureCount d: Int, count: Int,
                          box: ClosedRange<Float>, seed: UInt64) throws -> ThiefData {
    guard count > 0 else { throw GauntletError.invalidArgument(name: "count", detail: "must be > 0, got \(count)") }
    var rng = PhiloxStream(seed: seed, stream: 0x7A1EF)
    let lo = box.lowerBound, span = box.upperBound - box.lowerBound
    switch source {
    case .domain:
      return try ThiefData(features: features, featureCount: d, name: "domain")
    case .noise:
      var t = try ThiefData.uniform(count: count, featureCount: d, box: box, seed: seed)
      t.name = "noise"
      return t
    case .mixup:
      let n = features.count / d
      guard n > 0 else { throw GauntletError.invalidArgument(name: "thief", detail: "mixup needs domain rows") }
      var out = [Float](); out.reserveCapacity(count * d)
      for _ in 0..<count {
        let a = Int.random(in: 0..<n, using: &rng), b = Int.random(in: 0..<n, using: &rng)
        let lam = Float.random(in: 0.3...0.7, using: &rng)
        for j in 0..<d {
          let v = lam * features[a * d + j] + (1 - lam) * features[b * d + j] + Float.random(in: -0.1...0.1, using: &rng) * span
          out.append(min(max(v, box.lowerBound), box.upperBound))
        }
      }
      return try ThiefData(features: out, featureCount: d, name: "mixup")
    case .strokes:
      var side = 1
      while side * side < d { side += 1 }
      guard side * side == d else {
        var t = try ThiefData.uniform(count: count, featureCount: d, box: box, seed: seed)
        t.name = "noise"
        return t
      }
      var out = [Float](repeating: lo, count: count * d)
      for i in 0..<count {
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
          let s = Float(side - 1)
          let (x0, y0, x1, y1) = (Float.random(in: 0...s, using: &rng), Float.random(in: 0...s, using: &rng),
                                  Float.random(in: 0...s, using: &rng), Float.random(in: 0...s, using: &rng))
          let ink = Float.random(in: 0.5...1, using: &rng)
          for t in 0...(4 * side) {
            let u = Float(t) / Float(4 * side)
            let px = Int((x0 + u * (x1 - x0)).rounded()), py = Int((y0 + u * (y1 - y0)).rounded())
            let k = i * d + py * side + px
            out[k] = max(out[k], lo + ink * span)
          }
        }
      }
      return try ThiefData(features: out, featureCount: d, name: "strokes")
    }
  }
}
