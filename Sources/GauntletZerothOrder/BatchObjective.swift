import GauntletCore

/// A black-box function of a batch of points: the only thing zeroth-order methods may call.
///
/// `values(at:)` receives `points` shaped `[m, dimension]` (one point per row) and returns a
/// tensor of `m` elements (shape `[m]` or `[m, 1]`), one value per row, on the same backend.
/// Every row counts as one function evaluation ("query"). Estimators in this module batch all the
/// perturbed points of all samples and directions into a single call.
///
/// ```swift
/// struct Sphere: BatchObjective {
///   let dimension = 3
///   func values(at points: Tensor) throws -> Tensor {
///     let be = points.backend
///     let sq = try be.makeBuffer(count: points.count)
///     try be.unary(.square, points.buffer, into: sq, count: points.count)
///     let out = try be.makeBuffer(count: points.rows)
///     try be.rows(.sum, sq, into: out, rows: points.rows, cols: dimension)
///     return try Tensor(buffer: out, shape: [points.rows], on: be)
///   }
/// }
/// ```
public protocol BatchObjective {
  /// Number of coordinates of one point.
  var dimension: Int { get }
  /// One value per row of `points` (`[m, dimension]`).
  func values(at points: Tensor) throws -> Tensor
  /// The same, told which base point each row serves. Estimators always call this form, so an
  /// objective that differs per base point (an attack's per-sample label) or that accounts per
  /// base point (an oracle's per-sample ledger) implements it; the default ignores `owners`.
  func values(at points: Tensor, owners: RowOwners) throws -> Tensor
}

extension BatchObjective {
  public func values(at points: Tensor, owners: RowOwners) throws -> Tensor { try values(at: points) }
}

/// Which base point each row of an evaluation batch serves (estimators evaluate perturbations of
/// `n` base points in one batch).
public enum RowOwners: Sendable, Hashable {
  /// Consecutive blocks of `rowsPerPoint` rows: block `s` serves base point `s`.
  case blocks(rowsPerPoint: Int)
  /// Row `r` serves base point `owners[r]`.
  case rows([Int])

  /// The base point row `r` serves.
  public func owner(ofRow r: Int) -> Int {
    switch self {
    case let .blocks(k): return r / max(k, 1)
    case let .rows(o): return o[r]
    }
  }

  /// The owner of every row of an `m`-row batch.
  public func owners(rowCount m: Int) -> [Int] { (0..<m).map(owner(ofRow:)) }
}

/// A `BatchObjective` from a closure over a device batch.
///
/// ```swift
/// let f = ClosureObjective(dimension: 2) { points in try myDeviceLoss(points) }
/// ```
public struct ClosureObjective: BatchObjective {
  public let dimension: Int
  private let body: (Tensor) throws -> Tensor

  public init(dimension: Int, _ body: @escaping (Tensor) throws -> Tensor) {
    self.dimension = dimension
    self.body = body
  }

  public func values(at points: Tensor) throws -> Tensor { try body(points) }
}

/// A `BatchObjective` evaluated one point at a time on the host: for objectives that are not
/// tensor programs, such as "train a model with these hyper-parameters and return its validation
/// loss". The batch is downloaded, `body` runs once per row, and the values are uploaded.
///
/// ```swift
/// let f = RowwiseObjective(dimension: 2) { p in (p[0] - 1) * (p[0] - 1) + p[1] * p[1] }
/// ```
public struct RowwiseObjective: BatchObjective {
  public let dimension: Int
  private let body: ([Float]) throws -> Float

  public init(dimension: Int, _ body: @escaping ([Float]) throws -> Float) {
    self.dimension = dimension
    self.body = body
  }

  public func values(at points: Tensor) throws -> Tensor {
    let host = try points.toArray()
    let d = dimension
    var out = [Float](repeating: 0, count: points.rows)
    for r in 0..<points.rows {
      let v = try body(Array(host[(r * d)..<((r + 1) * d)]))
      guard v.isFinite else {
        throw GauntletError.nonFinite(context: "RowwiseObjective value of row \(r)", index: r)
      }
      out[r] = v
    }
    return try Tensor(out, shape: [points.rows], on: points.backend)
  }
}

extension BatchObjective {
  /// Evaluates `points` (`[m, dimension]`) and checks the answer holds `m` values.
  func evaluate(_ points: Tensor, owners: RowOwners) throws -> Tensor {
    guard points.cols == dimension else {
      throw GauntletError.shapeMismatch(operation: "BatchObjective.values",
                                        detail: "points have \(points.cols) columns, objective dimension is \(dimension)")
    }
    if case let .rows(o) = owners, o.count != points.rows {
      throw GauntletError.shapeMismatch(operation: "BatchObjective.values", detail: "\(o.count) owners for \(points.rows) rows")
    }
    let v = try values(at: points, owners: owners)
    guard v.count == points.rows else {
      throw GauntletError.shapeMismatch(operation: "BatchObjective.values",
                                        detail: "\(points.rows) points gave \(v.count) values; return one value per row")
    }
    return v
  }
}
