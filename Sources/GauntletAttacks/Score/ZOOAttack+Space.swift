import Foundation
import GauntletCore
import GauntletOracle
import GauntletZerothOrder

/// ZOO's attack space: the full input, or an `r×r` image per channel lifted by nearest-neighbour
/// upsampling.
enum ZOOSpace {
  /// Dimension of the attack space and the `dz × d` lift matrix (nil for the identity).
  static func make(_ g: ImageGeometry, reducedSide: Int?, on be: Backend) throws -> (Int, DeviceBuffer?) {
    guard let r = reducedSide, r < g.h || r < g.w else { return (g.count, nil) }
    let rh = min(r, g.h), rw = min(r, g.w), dz = g.c * rh * rw
    var lift = [Float](repeating: 0, count: dz * g.count)
    for ch in 0..<g.c { for i in 0..<g.h { for j in 0..<g.w {
      let zi = (ch * rh + i * rh / g.h) * rw + j * rw / g.w
      lift[zi * g.count + g.index(ch, i, j)] = 1
    } } }
    return (dz, try be.makeBuffer(lift))
  }

  /// Per-sample bounds on each attack coordinate keeping every pixel it moves inside the box.
  static func bounds(_ st: ScoreAttackState, _ g: ImageGeometry, _ dz: Int, _ reducedSide: Int?) -> ([Float], [Float]) {
    var lo = [Float](repeating: -.infinity, count: st.n * dz), hi = [Float](repeating: .infinity, count: st.n * dz)
    let full = dz == g.count
    let rh = full ? g.h : min(reducedSide ?? g.h, g.h), rw = full ? g.w : min(reducedSide ?? g.w, g.w)
    for s in 0..<st.n {
      let x0 = st.original(s), b = x0.startIndex
      for ch in 0..<g.c { for i in 0..<g.h { for j in 0..<g.w {
        let zi = full ? g.index(ch, i, j) : (ch * rh + i * rh / g.h) * rw + j * rw / g.w
        let v = x0[b + g.index(ch, i, j)]
        lo[s * dz + zi] = max(lo[s * dz + zi], st.lo - v)
        hi[s * dz + zi] = min(hi[s * dz + zi], st.hi - v)
      } } }
    }
    return (lo, hi)
  }

  /// `B` distinct coordinates of `0..<dz`: uniformly, or by weighted sampling without replacement
  /// (Efraimidis–Spirakis keys `log(u)/w`).
  static func coordinates(_ B: Int, of dz: Int, weights: [Float]?, _ rng: inout HostRandom) -> [Int] {
    guard let w = weights else { return Array(rng.permutation(dz).prefix(B)) }
    let keys = (0..<dz).map { logf(rng.unit() + 1e-12) / max(w[$0], 1e-12) }
    return Array((0..<dz).sorted { keys[$0] > keys[$1] }.prefix(B))
  }
}

/// ZOO's objective over attack-space rows: `‖x(z) − x₀‖² + c·max(margin, −κ)`, queried as `.loss`.
final class ZOOObjective: BatchObjective {
  let state: ScoreAttackState
  let dimension: Int
  let lift: DeviceBuffer?
  let kappa: Float
  let x0: DeviceBuffer
  var ids: [Int] = []
  /// Trade-off constant per sample.
  var c: [Float]
  private var found: [Int: (x: [Float], label: Int32)] = [:]

  init(state: ScoreAttackState, dimension: Int, lift: DeviceBuffer?, kappa: Float, c: Float) throws {
    self.state = state; self.dimension = dimension; self.lift = lift; self.kappa = kappa
    self.c = [Float](repeating: c, count: state.n)
    self.x0 = try state.backend.makeBuffer(state.originals)
  }

  func takeFound(_ i: Int) -> (x: [Float], label: Int32)? { found.removeValue(forKey: i) }

  /// `clip(x₀ + U·z)` for rows `z` owned by `owners` (indices into `ids`).
  func points(_ z: Tensor, owners: [Int]? = nil) throws -> Tensor {
    let be = z.backend, m = z.rows, d = state.d
    let own = (owners ?? Array(0..<m)).map { ids[$0] }
    let x = try be.gathered(x0, own, cols: d)
    if let lift {
      let lz = try be.makeBuffer(count: m * d)
      try be.gemm(z.buffer, lift, into: lz, GemmShape(m: m, n: d, k: dimension))
      try be.binary(.add, x, lz, into: x, count: m * d)
    } else {
      try be.binary(.add, x, z.buffer, into: x, count: m * d)
    }
    try be.unary(.clamp(lo: state.lo, hi: state.hi), x, into: x, count: m * d)
    return try Tensor(buffer: x, shape: [m, d], on: be)
  }

  func values(at points: Tensor) throws -> Tensor { try values(at: points, owners: .blocks(rowsPerPoint: 1)) }

  func values(at z: Tensor, owners: RowOwners) throws -> Tensor {
    let be = z.backend, m = z.rows, d = state.d
    let local = owners.owners(rowCount: m), own = local.map { ids[$0] }
    let x = try points(z, owners: local)
    let diff = try be.gathered(x0, own, cols: d)
    try be.binary(.sub, x.buffer, diff, into: diff, count: m * d)
    try be.unary(.square, diff, into: diff, count: m * d)
    let dist = try be.makeBuffer(count: m)
    try be.rows(.sum, diff, into: dist, rows: m, cols: d)
    let dh = try be.download(dist, count: m)
    let e = try state.evaluate(x, owners: own, purpose: .loss)
    var f = [Float](repeating: 0, count: m)
    for r in 0..<m {
      f[r] = dh[r] + c[own[r]] * max(e.loss[r], -kappa)
      if e.success[r] && found[own[r]] == nil {
        found[own[r]] = (try be.download(x.buffer, offset: r * d, count: d), e.labels[r])
      }
    }
    return try Tensor(f, shape: [m], on: be)
  }
}
