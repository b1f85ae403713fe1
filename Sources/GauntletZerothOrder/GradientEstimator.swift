import GauntletCore

/// The gradient estimates for a batch of base points and what they cost.
public struct GradientEstimate {
  /// `[n, d]`: one estimated gradient per base point.
  public var gradient: Tensor
  /// `f` at the base points (`n` values) when the estimator evaluated it or was given it; else nil.
  public var values: Tensor?
  /// Function evaluations spent for each base point (`n` entries), not counting supplied `values`.
  public var evaluations: [Int]
  /// P-RGF only: the weight λ given to the prior at each point (0 = random directions only,
  /// 1 = the prior direction only).
  public var priorWeights: [Float]?
  /// Sum of `evaluations`.
  public var totalEvaluations: Int { evaluations.reduce(0, +) }

  public init(gradient: Tensor, values: Tensor?, evaluations: [Int], priorWeights: [Float]? = nil) {
    self.gradient = gradient; self.values = values; self.evaluations = evaluations; self.priorWeights = priorWeights
  }
}

/// Estimates ∇f at a batch of points from function values only.
///
/// Implementations batch every perturbed point of every base point into one `BatchObjective`
/// call and combine the differences with backend GEMMs, so that `n` points × `q` directions is a
/// single `n·q`-row evaluation.
public protocol GradientEstimator: Sendable {
  /// A short name for tables, e.g. `"nes(σ=0.01,q=20)"`.
  var name: String { get }
  /// The most evaluations one call spends per base point in dimension `dimension`; `valuesKnown`
  /// when `f(x)` is supplied.
  func maxEvaluationsPerPoint(dimension: Int, valuesKnown: Bool) -> Int
  /// Estimates ∇f at every row of `points` (`[n, f.dimension]`).
  ///
  /// - Parameters:
  ///   - values: `f(points)` when the caller already has it (`n` values); saves `n` evaluations for
  ///     one-sided (forward-difference) estimators. Pass nil otherwise.
  ///   - key: randomness for the directions; the same key gives the same estimate on every backend.
  func estimate(_ f: BatchObjective, at points: Tensor, values: Tensor?, key: PhiloxKey) throws -> GradientEstimate
}

/// Parameter checks shared by the estimators and optimizers.
enum ZOCheck {
  static func positive(_ v: Float, _ name: String) throws {
    guard v.isFinite, v > 0 else {
      throw GauntletError.invalidArgument(name: name, detail: "must be finite and > 0, got \(v)")
    }
  }

  static func positive(_ v: Int, _ name: String) throws {
    guard v > 0 else { throw GauntletError.invalidArgument(name: name, detail: "must be ≥ 1, got \(v)") }
  }

  /// `v` in the open interval (0, 1) (Adam's β).
  static func unitOpen(_ v: Float, _ name: String) throws {
    guard v.isFinite, v > 0, v < 1 else {
      throw GauntletError.invalidArgument(name: name, detail: "must lie in (0, 1), got \(v)")
    }
  }

  /// `points` is `[n, d]` with `d == f.dimension`; `values`, when given, holds `n` entries.
  static func batch(_ f: BatchObjective, _ points: Tensor, _ values: Tensor?, _ op: String) throws {
    guard f.dimension > 0 else {
      throw GauntletError.invalidArgument(name: "dimension", detail: "objective dimension must be ≥ 1, got \(f.dimension)")
    }
    guard points.cols == f.dimension, points.rows >= 0 else {
      throw GauntletError.shapeMismatch(operation: op,
                                        detail: "points are \(points.shape), objective dimension is \(f.dimension)")
    }
    if let v = values, v.count != points.rows {
      throw GauntletError.shapeMismatch(operation: op, detail: "values hold \(v.count) entries for \(points.rows) points")
    }
    if let v = values, v.backend !== points.backend {
      throw GauntletError.foreignBuffer(operation: op, expected: points.backend.name, got: v.backend.name)
    }
  }
}
