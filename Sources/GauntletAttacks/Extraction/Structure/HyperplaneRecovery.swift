import Foundation

/// One recovered hidden unit: the hyperplane `w·x + b = 0` where it switches (`‖w‖ = 1`, sign not
/// yet known) and the critical points found on it.
struct RecoveredHyperplane {
  var normal: [Double]
  var bias: Double
  var members: [CriticalPoint]
}

/// Groups critical points by hidden unit and recovers each unit's hyperplane (first-layer row up
/// to scale and sign, and its bias) — Carlini, Jagielski & Mironov 2020, §4.3 (the first layer),
/// with the clustering of Rolnick & Kording 2020.
///
/// 1. Points whose jumps (the unit's output column, up to a positive factor) are parallel are
///    grouped.
/// 2. For each group, the **jump of the Jacobian** across the kink at its safest point (farthest
///    from other kinks on its line): `ΔJ = J(x*+δu) − J(x*−δu) = ±a·wᵀ` (forward differences
///    with step `h` along each input axis; `2(d+1)` queries). Projecting each column on the kink's
///    jump direction gives `w` up to scale; a column that is not parallel to it crossed another
///    unit's hyperplane and is re-measured with a smaller step.
/// 3. Members that do not lie on that hyperplane start a new group (next round).
/// 4. The hyperplane is refined by least squares through all its points, with the Jacobian normal
///    as a weak prior (its points pin every in-plane direction they span); outliers are dropped.
/// 5. Groups whose hyperplanes coincide are merged.
struct HyperplaneRecovery {
  let lines: [ProbeLine]
  let tolerance: Double
  let step: Double
  let clusterCosine: Double
  let planeTolerance: Double
  let maxRounds: Int
  let lo: Float, hi: Float

  init(lines: [ProbeLine], tolerance: Double, step: Double, clusterCosine: Double, planeTolerance: Double,
       maxRounds: Int = 4, bounds: ClosedRange<Float>) {
    self.lines = lines; self.tolerance = tolerance; self.step = step; self.clusterCosine = clusterCosine
    self.planeTolerance = planeTolerance; self.maxRounds = maxRounds
    lo = bounds.lowerBound; hi = bounds.upperBound
  }

  func run(_ points: [CriticalPoint], reader: CenteredScoreReader) throws -> [RecoveredHyperplane] {
    var unassigned = points
    var planes: [RecoveredHyperplane] = []
    var round = 0
    while !unassigned.isEmpty && round < maxRounds {
      let groups = groupByJump(unassigned)
      // The safest point of each group, and the next safest for groups of 3 or more: the row that
      // puts more of the group on its hyperplane wins (a Jacobian can be spoilt by a crossing the
      // column test cannot see).
      let candidates = groups.map { g in Array(g.sorted { safety($0) > safety($1) }.prefix(g.count >= 3 ? 2 : 1)) }
      let normals = try jacobianNormals(candidates.flatMap { $0 }, reader: reader)
      var rest: [CriticalPoint] = []
      var next = 0
      for (gi, g) in groups.enumerated() {
        var best: (plane: RecoveredHyperplane, others: [CriticalPoint], violation: Double)? = nil
        for c in candidates[gi] {
          defer { next += 1 }
          guard let n = normals[next] else { continue }
          let b = -DoubleVec.dot(n, c.x)
          var members: [CriticalPoint] = [], others: [CriticalPoint] = []
          var violation = 0.0
          for p in g {
            let r = Swift.abs(DoubleVec.dot(n, p.x) + b)
            if r <= planeTolerance { members.append(p); violation += r } else { others.append(p) }
          }
          if let cur = best, cur.plane.members.count > members.count
              || (cur.plane.members.count == members.count && cur.violation <= violation) { continue }
          best = (RecoveredHyperplane(normal: n, bias: b, members: members), others, violation)
        }
        guard let best else { continue }   // no usable Jacobian: the group is dropped
        planes.append(refine(best.plane, prior: best.plane.normal))
        rest += best.others
      }
      unassigned = rest
      round += 1
    }
    return merge(planes)
  }

  /// How far the point is from other kinks on its line, in input units.
  private func safety(_ p: CriticalPoint) -> Double {
    guard lines.indices.contains(p.line) else { return 0 }
    return Swift.min(p.leftGap, p.rightGap) * DoubleVec.norm(lines[p.line].u)
  }

  private func groupByJump(_ points: [CriticalPoint]) -> [[CriticalPoint]] {
    let order = points.indices.sorted { DoubleVec.norm(points[$0].jump) > DoubleVec.norm(points[$1].jump) }
    var heads: [[Double]] = [], groups: [[CriticalPoint]] = []
    for i in order {
      let dir = DoubleVec.normalized(points[i].jump)
      if let g = heads.firstIndex(where: { DoubleVec.dot($0, dir) >= clusterCosine }) {
        groups[g].append(points[i])
      } else {
        heads.append(dir); groups.append([points[i]])
      }
    }
    return groups
  }

  /// Unit normals from the Jacobian jump at each point (nil where no usable estimate came out).
  ///
  /// The two Jacobians are measured at the middles of the linear pieces on either side of the
  /// kink (the activation pattern is constant along each piece, so they differ in unit `i` only),
  /// as far as possible from every hyperplane the line crosses.
  func jacobianNormals(_ reps: [CriticalPoint], reader: CenteredScoreReader) throws -> [[Double]?] {
    let d = reader.featureCount, K = reader.classCount
    guard !reps.isEmpty else { return [] }
    var bases: [([Double], [Double])] = []
    var signs: [[Double]] = []
    for p in reps {
      let minus = lines[p.line].point(p.t - 0.5 * p.leftGap), plus = lines[p.line].point(p.t + 0.5 * p.rightGap)
      bases.append((minus, plus))
      signs.append((0..<d).map { j in Swift.max(minus[j], plus[j]) + step <= Double(hi) ? 1 : -1 })
    }
    var columns = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: K), count: d), count: reps.count)
    var bad = reps.indices.map { _ in Set(0..<d) }
    var h = [Double](repeating: step, count: reps.count)
    var normals = [[Double]?](repeating: nil, count: reps.count)
    for _ in 0..<4 {
      // Rows per rep with bad columns: minus, plus, then (minus + h e_j, plus + h e_j) per bad j.
      var rows: [Float] = []
      var layout: [(rep: Int, cols: [Int], offset: Int)] = []
      var count = 0
      for r in reps.indices where !bad[r].isEmpty {
        let cols = bad[r].sorted()
        layout.append((r, cols, count))
        let (minus, plus) = bases[r]
        rows += minus.map { clamp($0) }; rows += plus.map { clamp($0) }
        for j in cols {
          var m = minus, p = plus
          m[j] += signs[r][j] * h[r]; p[j] += signs[r][j] * h[r]
          rows += m.map { clamp($0) }; rows += p.map { clamp($0) }
        }
        count += 2 + 2 * cols.count
      }
      if layout.isEmpty { break }
      let y = try reader.scores(rows, stage: "hyperplane recovery")
      for (r, cols, off) in layout {
        let dir = DoubleVec.normalized(reps[r].jump)
        var stillBad = Set<Int>()
        for (ci, j) in cols.enumerated() {
          let hj = signs[r][j] * h[r]
          var col = [Double](repeating: 0, count: K)
          for k in 0..<K {
            let ym = y[off * K + k], yp = y[(off + 1) * K + k]
            let ym2 = y[(off + 2 + 2 * ci) * K + k], yp2 = y[(off + 3 + 2 * ci) * K + k]
            col[k] = ((yp2 - yp) - (ym2 - ym)) / hj
          }
          let along = DoubleVec.dot(col, dir)
          var resid = 0.0
          for k in 0..<K { resid = Swift.max(resid, Swift.abs(col[k] - along * dir[k])) }
          columns[r][j] = col
          if resid > tolerance / h[r] { stillBad.insert(j) }
        }
        let w = (0..<d).map { j in DoubleVec.dot(columns[r][j], dir) }
        let n = DoubleVec.norm(w)
        guard n > 0, n.isFinite else { bad[r] = []; continue }
        let normal = w.map { $0 / n }
        normals[r] = normal
        // A step must not cross the unit's own hyperplane (that error is parallel to the jump and
        // passes the test above): both bases must lie farther from it than any step reaches.
        let b = -DoubleVec.dot(normal, reps[r].x)
        let dist = Swift.min(Swift.abs(DoubleVec.dot(normal, bases[r].0) + b), Swift.abs(DoubleVec.dot(normal, bases[r].1) + b))
        let reach = h[r] * (normal.map { Swift.abs($0) }.max() ?? 1)
        if reach > 0.5 * dist {
          h[r] = 0.25 * dist / Swift.max(normal.map { Swift.abs($0) }.max() ?? 1, 1e-12)
          bad[r] = Set(0..<d)
        } else {
          bad[r] = stillBad
          if !stillBad.isEmpty { h[r] /= 8 }
        }
      }
    }
    return normals
  }

  private func clamp(_ v: Double) -> Float { Swift.min(hi, Swift.max(lo, Float(v))) }

  /// Least squares for `(w, b)` through the members (`w·x + b = 0`) with the prior `w ≈ prior`
  /// (weight `priorWeight` relative to a point); drops members farther than `planeTolerance / 10`
  /// from the fitted plane and refits.
  func refine(_ plane: RecoveredHyperplane, prior: [Double], priorWeight: Double = 1e-2) -> RecoveredHyperplane {
    var members = plane.members
    var current = plane
    for _ in 0..<3 {
      guard !members.isEmpty else { return current }
      let d = prior.count
      let rows = members.count + d
      var a = [Double](repeating: 0, count: rows * (d + 1)), b = [Double](repeating: 0, count: rows)
      for (i, p) in members.enumerated() {
        for j in 0..<d { a[i * (d + 1) + j] = p.x[j] }
        a[i * (d + 1) + d] = 1
      }
      for j in 0..<d {
        a[(members.count + j) * (d + 1) + j] = priorWeight
        b[members.count + j] = priorWeight * prior[j]
      }
      let ls = LeastSquares(a: a, rows: rows, cols: d + 1, b: b, rhs: 1)
      var w = Array(ls.solution[0..<d]), bias = ls.solution[d]
      let n = DoubleVec.norm(w)
      guard n > 0, n.isFinite else { return current }
      w = w.map { $0 / n }; bias /= n
      current = RecoveredHyperplane(normal: w, bias: bias, members: members)
      let kept = members.filter { Swift.abs(DoubleVec.dot(w, $0.x) + bias) <= planeTolerance / 10 }
      if kept.count == members.count { return current }
      members = kept
    }
    return current
  }

  /// Merges hyperplanes that coincide: same normal up to sign and same offset, or every point of
  /// the smaller one lies on the larger one with a parallel jump.
  func merge(_ planes: [RecoveredHyperplane]) -> [RecoveredHyperplane] {
    var out: [RecoveredHyperplane] = []
    for p in planes.sorted(by: { $0.members.count > $1.members.count }) {
      if let i = out.firstIndex(where: { q in
        func onQ(_ m: CriticalPoint) -> Bool { Swift.abs(DoubleVec.dot(q.normal, m.x) + q.bias) <= planeTolerance / 10 }
        let c = DoubleVec.dot(q.normal, p.normal)
        if Swift.abs(c) >= 0.999 && Swift.abs(q.bias - (c > 0 ? 1 : -1) * p.bias) <= planeTolerance { return true }
        // A poorly located kink (two kinks in one cell) gets a poor Jacobian row and a noisy jump:
        // its point still lies on the unit's well-fitted hyperplane.
        if p.members.count == 1 && q.members.count >= 2 { return onQ(p.members[0]) }
        return DoubleVec.cosine(q.members[0].jump, p.members[0].jump) >= 0.9
          && p.members.allSatisfy { Swift.abs(DoubleVec.dot(q.normal, $0.x) + q.bias) <= planeTolerance / 10 }
      }) {
        let q = out[i]
        if p.members.count == 1 && DoubleVec.cosine(q.members[0].jump, p.members[0].jump) < clusterCosine {
          continue   // a poorly located kink on a known hyperplane: explained, and too noisy to add
        }
        out[i] = refine(RecoveredHyperplane(normal: q.normal, bias: q.bias, members: q.members + p.members),
                        prior: q.normal)
      } else {
        out.append(p)
      }
    }
    return out
  }
}
