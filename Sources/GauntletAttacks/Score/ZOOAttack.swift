import GauntletCore
import GauntletOracle
import GauntletZerothOrder

/// ZOO: Carlini–Wagner's L2 attack run on zeroth-order coordinate estimates. Minimizes
/// `‖x(z) − x₀‖₂² + c·max(m(x(z)), −κ)`, with `x(z) = clip(x₀ + U·z)` and `m` the log-probability
/// margin, by coordinate-wise ADAM (Alg. 2): each iteration picks `B` coordinates per sample,
/// estimates their partials by central differences with step `h` (2B queries, one batch for all
/// samples), and updates only those coordinates. Then one `.successCheck` query at the new point;
/// a sample stops at its first success (early stop).
///
/// Options from the paper: `importanceSampling` draws coordinates with probability growing with
/// how much each has moved (half uniform, half ∝ |z_i|); `reducedSide` attacks an `r×r` image per
/// channel upsampled to the input by nearest neighbour (dimension reduction, `U`). With
/// `binarySearchSteps > 1`, a sample that fails within its share of the budget restarts with
/// `c × 10` (the upward half of C&W's search; early stop makes the downward half moot).
///
/// Reference: Chen, Zhang, Sharma, Yi & Hsieh, "ZOO: Zeroth Order Optimization based Black-box
/// Attacks to Deep Neural Networks without Training Substitute Models", AISec 2017.
///
/// ```swift
/// let zoo = try ZOOAttack(c: 10, coordinatesPerStep: 32, maxQueries: 4_000)
/// ```
public struct ZOOAttack: ScoreBasedAttack {
  /// Initial trade-off constant c.
  public let c: Float
  /// Confidence κ.
  public let confidence: Float
  /// ADAM step η.
  public let learningRate: Float
  /// Coordinates per iteration, B.
  public let coordinatesPerStep: Int
  /// Finite-difference step h.
  public let h: Float
  public let maxQueries: Int
  public let binarySearchSteps: Int
  public let importanceSampling: Bool
  /// Side of the reduced attack space (nil: the full input).
  public let reducedSide: Int?
  public let seed: UInt64
  /// How to read one input as an image (`[c, h, w]`); nil: from the oracle's input shape.
  public let imageShape: [Int]?

  public init(c: Float = 10, confidence: Float = 0, learningRate: Float = 0.01, coordinatesPerStep: Int = 128,
              h: Float = 0.0001, maxQueries: Int = 10_000, binarySearchSteps: Int = 1, importanceSampling: Bool = false,
              reducedSide: Int? = nil, seed: UInt64 = 0, imageShape: [Int]? = nil) throws {
    try AttackCheck.positive(c, "c")
    try AttackCheck.nonNegative(confidence, "confidence")
    try AttackCheck.positive(learningRate, "learningRate")
    try AttackCheck.positive(coordinatesPerStep, "coordinatesPerStep")
    try AttackCheck.positive(h, "h")
    try AttackCheck.positive(maxQueries, "maxQueries")
    try AttackCheck.positive(binarySearchSteps, "binarySearchSteps")
    if let r = reducedSide { try AttackCheck.positive(r, "reducedSide") }
    self.c = c; self.confidence = confidence; self.learningRate = learningRate
    self.coordinatesPerStep = coordinatesPerStep; self.h = h; self.maxQueries = maxQueries
    self.binarySearchSteps = binarySearchSteps; self.importanceSampling = importanceSampling
    self.reducedSide = reducedSide; self.seed = seed; self.imageShape = imageShape
  }

  public var name: String {
    "zoo(c=\(c),B=\(coordinatesPerStep),η=\(learningRate),h=\(h),q=\(maxQueries)\(importanceSampling ? ",is" : "")\(reducedSide.map { ",r=\($0)" } ?? ""))"
  }
}
