/// One point of a measured curve (e.g. success rate after `x` queries).
public struct CurvePoint: Sendable, Hashable, Codable {
  public var x: Double
  public var y: Double
  public init(x: Double, y: Double) { self.x = x; self.y = y }
}
