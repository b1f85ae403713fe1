/// Lays out attacked samples as a greyscale grid, one row per sample: original, adversarial, and
/// the perturbation (mid-grey = 0, scaled to the largest |δ| of the grid), each enlarged `scale`×.
public enum ImageGrid {
  public static func png(_ t: ImageTriples, scale: Int = 6, gap: Int = 2) -> [UInt8]? {
    let n = t.originals.count
    guard n > 0, t.width > 0, t.height > 0 else { return nil }
    let cw = t.width * scale, ch = t.height * scale
    let W = 3 * cw + 4 * gap, H = n * ch + (n + 1) * gap
    var px = [UInt8](repeating: 255, count: W * H)
    var maxDelta: Float = 1e-6
    for (o, a) in zip(t.originals, t.adversarials) { for (x, y) in zip(o, a) { maxDelta = max(maxDelta, abs(y - x)) } }
    for r in 0..<n {
      let o = t.originals[r], a = t.adversarials[r]
      let panels: [[Float]] = [o, a, zip(o, a).map { 0.5 + ($1 - $0) / (2 * maxDelta) }]
      for (c, panel) in panels.enumerated() {
        let x0 = gap + c * (cw + gap), y0 = gap + r * (ch + gap)
        for y in 0..<ch {
          for x in 0..<cw {
            let i = (y / scale) * t.width + x / scale
            let v = i < panel.count && panel[i].isFinite ? min(max(panel[i], 0), 1) : 0
            px[(y0 + y) * W + x0 + x] = UInt8((v * 255).rounded())
          }
        }
      }
    }
    return PNGEncoder.greyscale(width: W, height: H, pixels: px)
  }
}
