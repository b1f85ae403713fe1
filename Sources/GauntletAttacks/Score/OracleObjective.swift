import GauntletCore
import GauntletOracle
import GauntletZerothOrder

/// The attack loss as a `BatchObjective` over the oracle: what the zeroth-order estimators query.
///
/// Base point `p` of a batch is sample `ids[p]`; rows are clipped into the input box (perturbed
/// points may step outside it), charged as `.loss` queries to their sample, and any row the oracle
/// labels adversarial that lies inside the ε-ball is remembered in `found`.
final class OracleObjective: BatchObjective {
  let state: ScoreAttackState
  let dimension: Int
  /// Original sample index of each base point.
  var ids: [Int] = []
  /// Per-sample ball the `found` points must lie in.
  let norm: Norm?
  let epsilon: Float
  private(set) var found: [Int: (x: [Float], label: Int32)] = [:]

  init(state: ScoreAttackState, norm: Norm?, epsilon: Float) {
    self.state = state; self.dimension = state.d; self.norm = norm; self.epsilon = epsilon
  }

  func values(at points: Tensor) throws -> Tensor { try values(at: points, owners: .blocks(rowsPerPoint: 1)) }

  func values(at points: Tensor, owners: RowOwners) throws -> Tensor {
    let be = points.backend, m = points.rows, d = dimension
    let clipped = try be.makeBuffer(count: max(m * d, 1))
    try be.unary(.clamp(lo: state.lo, hi: state.hi), points.buffer, into: clipped, count: m * d)
    let own = owners.owners(rowCount: m).map { ids[$0] }
    let e = try state.evaluate(Tensor(buffer: clipped, shape: [m, d], on: be), owners: own, purpose: .loss)
    for r in 0..<m where e.success[r] && found[own[r]] == nil {
      let x = try be.download(clipped, offset: r * d, count: d)
      if inBall(x, state.original(own[r])) { found[own[r]] = (x, e.labels[r]) }
    }
    return try Tensor(e.loss, shape: [m], on: be)
  }

  /// Takes the remembered adversarial point of sample `i`, if any.
  func takeFound(_ i: Int) -> (x: [Float], label: Int32)? { found.removeValue(forKey: i) }

  private func inBall(_ x: [Float], _ x0: ArraySlice<Float>) -> Bool {
    guard let norm else { return true }
    let b = x0.startIndex
    switch norm {
    case .linf: return (0..<x.count).allSatisfy { abs(x[$0] - x0[b + $0]) <= epsilon * (1 + 1e-6) }
    case .l2:
      let s = (0..<x.count).reduce(Float(0)) { $0 + (x[$1] - x0[b + $1]) * (x[$1] - x0[b + $1]) }
      return s.squareRoot() <= epsilon * (1 + 1e-6)
    }
  }
}
