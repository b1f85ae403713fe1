import GauntletCore

/// Coordinate-wise finite differences: the `e_i` perturbations of every chosen coordinate of every
/// point as one batch.
///
/// - forward: `∂f/∂x_i ≈ (f(x + h·e_i) − f(x)) / h`, `C` evaluations per point (+1 for `f(x)`);
/// - central: `∂f/∂x_i ≈ (f(x + h·e_i) − f(x − h·e_i)) / (2h)`, `2C` evaluations per point.
///
/// With all `d` coordinates this is the full finite-difference gradient; with a subset (ZOO's
/// stochastic coordinate descent) the other entries of the estimate are 0.
///
/// Reference: Chen et al., "ZOO: Zeroth Order Optimization based Black-box Attacks to Deep Neural
/// Networks without Training Substitute Models", AISec 2017 (Eq. 6–7, batched coordinates).
///
/// ```swift
/// let fd = try CoordinateEstimator(h: 1e-3, scheme: .central, coordinates: .all)
/// let est = try fd.estimate(f, at: x, values: nil, key: PhiloxKey(seed: 0))
/// est.evaluations[0]   // 2·d
/// ```
public struct CoordinateEstimator: GradientEstimator {
  public enum Scheme: String, Sendable, Hashable, Codable { case forward, central }

  /// Which coordinates are differenced at each point.
  public enum Selection: Sendable, Hashable {
    /// Every coordinate `0..<d`.
    case all
    /// The same fixed coordinates for every point.
    case subset([Int])
    /// `count` distinct coordinates per point, drawn uniformly from the key.
    case random(count: Int)
  }

  /// Step h. Finite and > 0.
  public let h: Float
  public let scheme: Scheme
  public let coordinates: Selection

  public init(h: Float, scheme: Scheme = .central, coordinates: Selection = .all) throws {
    try ZOCheck.positive(h, "h")
    switch coordinates {
    case .all: break
    case let .subset(c) where c.isEmpty:
      throw GauntletError.invalidArgument(name: "coordinates", detail: "subset is empty; give at least one coordinate")
    case let .subset(c) where c.contains(where: { $0 < 0 }):
      throw GauntletError.invalidArgument(name: "coordinates", detail: "negative coordinate in subset \(c)")
    case let .random(k): try ZOCheck.positive(k, "coordinates.count")
    case .subset: break
    }
    self.h = h; self.scheme = scheme; self.coordinates = coordinates
  }

  public var name: String {
    let sel: String
    switch coordinates {
    case .all: sel = "all"
    case let .subset(c): sel = "subset(\(c.count))"
    case let .random(k): sel = "random(\(k))"
    }
    return "fd-\(scheme.rawValue)(h=\(h),\(sel))"
  }

  /// Coordinates per point for dimension `d` (a random count is capped at `d`).
  public func coordinateCount(dimension d: Int) -> Int {
    switch coordinates {
    case .all: return d
    case let .subset(c): return c.count
    case let .random(k): return min(k, d)
    }
  }

  public func maxEvaluationsPerPoint(dimension d: Int, valuesKnown: Bool) -> Int {
    let c = coordinateCount(dimension: d)
    return scheme == .central ? 2 * c : c + (valuesKnown ? 0 : 1)
  }

  /// The coordinates this selection picks for `n` points in dimension `d` (`n × C`, row-major).
  public func chooseCoordinates(points n: Int, dimension d: Int, key: PhiloxKey) throws -> [Int32] {
    switch coordinates {
    case .all:
      return (0..<n).flatMap { _ in (0..<d).map { Int32($0) } }
    case let .subset(c):
      let idx = c.map { Int32(clamping: $0) }
      try Validate.indices(idx, below: d, "CoordinateEstimator.subset")
      return (0..<n).flatMap { _ in idx }
    case let .random(k):
      return CoordinateEstimator.sampleDistinct(count: min(k, d), from: d, points: n, key: key)
    }
  }

  /// `count` distinct indices in `0..<d` per point by a partial Fisher–Yates shuffle on Philox draws.
  static func sampleDistinct(count c: Int, from d: Int, points n: Int, key: PhiloxKey) -> [Int32] {
    let u = Philox.fill(.uniform(lo: 0, hi: 1), key: key, counter: 0, count: n * c)
    var out = [Int32]()
    out.reserveCapacity(n * c)
    var perm = [Int32](repeating: 0, count: d)
    for s in 0..<n {
      for i in 0..<d { perm[i] = Int32(i) }
      for j in 0..<c {
        let r = j + min(Int(u[s * c + j] * Float(d - j)), d - j - 1)
        perm.swapAt(j, r)
        out.append(perm[j])
      }
    }
    return out
  }

  public func estimate(_ f: BatchObjective, at points: Tensor, values: Tensor?, key: PhiloxKey) throws -> GradientEstimate {
    try ZOCheck.batch(f, points, values, "CoordinateEstimator.estimate")
    let n = points.rows, d = f.dimension
    let c = coordinateCount(dimension: d)
    let idx = try chooseCoordinates(points: n, dimension: d, key: key)
    let p = try partials(f, at: points, coordinates: idx, coordinatesPerPoint: c, values: values)
    var dense = [Float](repeating: 0, count: n * d)
    for s in 0..<n {
      for j in 0..<c { dense[s * d + Int(idx[s * c + j])] = p.derivatives[s * c + j] }
    }
    let g = try Tensor(dense, shape: [n, d], on: points.backend)
    return GradientEstimate(gradient: g, values: p.values, evaluations: p.evaluations)
  }

  /// The partial derivatives along given coordinates: `coordinates` holds `n × C` indices
  /// (row-major, `C = coordinatesPerPoint`). Central differences also give the second derivatives
  /// `(f(x+h·e_i) − 2f(x) + f(x−h·e_i)) / h²` when `values` is supplied (ZOO-Newton).
  public func partials(_ f: BatchObjective, at points: Tensor, coordinates idx: [Int32], coordinatesPerPoint c: Int,
                       values: Tensor?) throws -> CoordinatePartials {
    try ZOCheck.batch(f, points, values, "CoordinateEstimator.partials")
    let be = points.backend
    let n = points.rows, d = f.dimension
    guard c >= 0, idx.count == n * c else {
      throw GauntletError.shapeMismatch(operation: "CoordinateEstimator.partials",
                                        detail: "\(idx.count) coordinates for \(n) points × \(c) per point")
    }
    try Validate.indices(idx, below: d, "CoordinateEstimator.partials")
    guard n > 0, c > 0 else {
      return CoordinatePartials(indices: idx, coordinatesPerPoint: c, derivatives: [], secondDerivatives: nil,
                                values: values, evaluations: [Int](repeating: 0, count: n))
    }
    let pairs = try be.makeBuffer(count: 2 * n * c * d)
    try be.perturbCoordinates(base: points.buffer, indices: idx, h: h, into: pairs, samples: n,
                              coordinatesPerSample: c, dim: d)
    var fx = values
    var spent = 0
    var deriv = [Float](repeating: 0, count: n * c)
    var second: [Float]?
    switch scheme {
    case .central:
      let fv = try f.evaluate(Tensor(buffer: pairs, shape: [2 * n * c, d], on: be), owners: .blocks(rowsPerPoint: 2 * c)).toArray()
      spent = 2 * c
      for j in 0..<(n * c) { deriv[j] = (fv[2 * j] - fv[2 * j + 1]) / (2 * h) }
      if let v = values {
        let f0 = try v.toArray()
        second = (0..<(n * c)).map { j in (fv[2 * j] - 2 * f0[j / c] + fv[2 * j + 1]) / (h * h) }
      }
    case .forward:
      let base: Tensor
      if let v = values { base = v } else { base = try f.evaluate(points, owners: .blocks(rowsPerPoint: 1)); spent += 1 }
      fx = base
      let plus = try be.makeBuffer(count: n * c * d)
      try be.gatherRows(pairs, indices: (0..<(n * c)).map { Int32(2 * $0) }, cols: d, into: plus)
      let fv = try f.evaluate(Tensor(buffer: plus, shape: [n * c, d], on: be), owners: .blocks(rowsPerPoint: c)).toArray()
      let f0 = try base.toArray()
      spent += c
      for j in 0..<(n * c) { deriv[j] = (fv[j] - f0[j / c]) / h }
    }
    return CoordinatePartials(indices: idx, coordinatesPerPoint: c, derivatives: deriv, secondDerivatives: second,
                              values: fx, evaluations: [Int](repeating: spent, count: n))
  }
}

/// Partial derivatives along chosen coordinates, as `CoordinateEstimator.partials` returns them.
public struct CoordinatePartials {
  /// `n × C` coordinates, row-major.
  public var indices: [Int32]
  public var coordinatesPerPoint: Int
  /// `n × C` estimated `∂f/∂x_i`, aligned with `indices`.
  public var derivatives: [Float]
  /// `n × C` estimated `∂²f/∂x_i²` (central differences with known `f(x)` only).
  public var secondDerivatives: [Float]?
  /// `f` at the points when evaluated or supplied.
  public var values: Tensor?
  /// Evaluations spent per point.
  public var evaluations: [Int]
}
