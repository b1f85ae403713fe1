/// A few attacked samples kept for the report's image grids: originals and adversarials, row-major
/// `height × width` each (grey levels in [0, 1]). The perturbation is their difference.
public struct ImageTriples: Sendable, Hashable, Codable {
  public var width: Int
  public var height: Int
  public var originals: [[Float]]
  public var adversarials: [[Float]]
  public init(width: Int, height: Int, originals: [[Float]], adversarials: [[Float]]) {
    self.width = width; self.height = height; self.originals = originals; self.adversarials = adversarials
  }

  /// Keeps the first `count` pairs when each sample is a square grey image (e.g. 64 → 8×8); nil otherwise.
  public static func square(originals: [[Float]], adversarials: [[Float]], count: Int) -> ImageTriples? {
    guard count > 0, let f = originals.first?.count, f > 0 else { return nil }
    let side = Int(Double(f).squareRoot().rounded())
    guard side * side == f else { return nil }
    let n = Swift.min(count, originals.count, adversarials.count)
    return ImageTriples(width: side, height: side, originals: Array(originals.prefix(n)), adversarials: Array(adversarials.prefix(n)))
  }
}
