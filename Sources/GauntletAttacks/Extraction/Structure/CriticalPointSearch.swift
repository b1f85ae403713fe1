import Foundation

/// A point where one hidden ReLU switches, found on a line through the input box.
struct CriticalPoint {
  /// Index of the line it was found on.
  let line: Int
  /// Position on the line, `x = p + t·u`.
  let t: Double
  /// The point in input space.
  let x: [Double]
  /// Change of slope of the centered logits across the kink, per unit `t`: `a_i·|w_i·u|` for
  /// unit `i` (its output column, up to a positive factor).
  let jump: [Double]
  /// Distance in `t` to the neighbouring kinks on the line (or its ends).
  let leftGap: Double
  let rightGap: Double
}

/// A line `x(t) = p + t·u`, `t ∈ [0, 1]`, through the box.
struct ProbeLine {
  let p: [Double]
  let u: [Double]

  func point(_ t: Double, into row: inout [Float], lo: Float, hi: Float) {
    for j in 0..<p.count { row[j] = Swift.min(hi, Swift.max(lo, Float(p[j] + t * u[j]))) }
  }
  func point(_ t: Double) -> [Double] { (0..<p.count).map { p[$0] + t * u[$0] } }
}

/// Critical-point search along random lines (Carlini, Jagielski & Mironov, "Cryptanalytic
/// Extraction of Neural Network Models", CRYPTO 2020, §4.2; Rolnick & Kording, "Reverse-Engineering
/// Deep ReLU Networks", ICML 2020): along a line the centered logits are piecewise linear, with a
/// kink wherever a hidden ReLU switches.
///
/// 1. **Bisection** (batched over every line, one oracle call per level): an interval whose
///    midpoint lies on the chord of its ends (within the noise tolerance `τ`) holds no kink; any
///    other interval is split until narrower than `minWidth`. A split whose two halves both look
///    linear marks a kink at the midpoint.
/// 2. **Slope intersection**: a kink cell's left and right linear pieces are fitted from the samples
///    between it and its neighbouring cells (no further queries); the kink is where the two lines
///    meet, and its jump is the change of slope (a K-vector: the unit's output column).
/// 3. **Verification**: one query at the kink must match both pieces; otherwise the cell is dropped
///    (two kinks in one cell, a missed kink in a piece, noise).
struct CriticalPointSearch {
  let lines: [ProbeLine]
  let initialCells: Int
  let minWidth: Double
  let tolerance: Double
  let lo: Float, hi: Float

  /// Every (x, centered logits) the search queried, for re-use by the output-layer fit.
  private(set) var sampleRows: [Float] = []
  private(set) var sampleScores: [Double] = []

  init(lines: [ProbeLine], initialCells: Int, minWidth: Double, tolerance: Double, bounds: ClosedRange<Float>) {
    self.lines = lines; self.initialCells = initialCells; self.minWidth = minWidth; self.tolerance = tolerance
    lo = bounds.lowerBound; hi = bounds.upperBound
  }

  private struct Cell { let line: Int; let a: Double; let m: Double; let b: Double }

  /// Queries `(line, t)` pairs, returns their centered logits (K each) and records them.
  private mutating func query(_ at: [(Int, Double)], reader: CenteredScoreReader, stage: String) throws -> [[Double]] {
    let d = reader.featureCount, K = reader.classCount
    var rows = [Float](repeating: 0, count: at.count * d)
    var row = [Float](repeating: 0, count: d)
    for (i, (l, t)) in at.enumerated() {
      lines[l].point(t, into: &row, lo: lo, hi: hi)
      for j in 0..<d { rows[i * d + j] = row[j] }
    }
    let y = try reader.scores(rows, stage: stage)
    sampleRows += rows; sampleScores += y
    return (0..<at.count).map { Array(y[($0 * K)..<(($0 + 1) * K)]) }
  }

  mutating func run(reader: CenteredScoreReader) throws -> [CriticalPoint] {
    let K = reader.classCount
    // samples[line][t] = centered logits
    var samples = [[Double: [Double]]](repeating: [:], count: lines.count)
    var at: [(Int, Double)] = []
    for l in lines.indices { for c in 0...initialCells { at.append((l, Double(c) / Double(initialCells))) } }
    for (i, y) in try query(at, reader: reader, stage: "critical-point search").enumerated() { samples[at[i].0][at[i].1] = y }

    var intervals: [(Int, Double, Double)] = []
    for l in lines.indices {
      for c in 0..<initialCells { intervals.append((l, Double(c) / Double(initialCells), Double(c + 1) / Double(initialCells))) }
    }
    var cells: [Cell] = []
    // Intervals split last round, in the order their two halves were queued.
    var pendingParents: [Cell] = []
    while !intervals.isEmpty {
      let mids = intervals.map { ($0.0, ($0.1 + $0.2) / 2) }
      let ys = try query(mids, reader: reader, stage: "critical-point search")
      var next: [(Int, Double, Double)] = []
      var nonlinear = [Bool](repeating: false, count: intervals.count)
      for (i, (l, a, b)) in intervals.enumerated() {
        let m = mids[i].1
        samples[l][m] = ys[i]
        let ya = samples[l][a]!, yb = samples[l][b]!
        var dev = 0.0
        for k in 0..<K { dev = Swift.max(dev, Swift.abs(ys[i][k] - 0.5 * (ya[k] + yb[k]))) }
        guard dev > tolerance else { continue }
        nonlinear[i] = true
        if b - a <= minWidth {
          cells.append(Cell(line: l, a: a, m: m, b: b))
        } else {
          next.append((l, a, m)); next.append((l, m, b))
        }
      }
      // A parent split last round whose halves both look linear: the kink sits at its midpoint.
      var i = 0
      for parent in pendingParents {
        if !nonlinear[i] && !nonlinear[i + 1] { cells.append(parent) }
        i += 2
      }
      pendingParents = []
      for (idx, (l, a, b)) in intervals.enumerated() where nonlinear[idx] && b - a > minWidth {
        pendingParents.append(Cell(line: l, a: a, m: (a + b) / 2, b: b))
      }
      // Children are queued in parent order, two per parent.
      intervals = next
    }

    // Slope intersection per cell.
    var byLine = [[Cell]](repeating: [], count: lines.count)
    for c in cells { byLine[c.line].append(c) }
    var candidates: [(Cell, t: Double, jump: [Double], left: Double, right: Double, predicted: [Double])] = []
    for l in lines.indices {
      let cs = byLine[l].sorted { $0.a < $1.a }
      let ts = samples[l].keys.sorted()
      for (ci, c) in cs.enumerated() {
        let leftEdge = ci > 0 ? cs[ci - 1].b : 0, rightEdge = ci + 1 < cs.count ? cs[ci + 1].a : 1
        let leftTs = ts.filter { $0 >= leftEdge && $0 <= c.a }.reversed()
        let rightTs = ts.filter { $0 >= c.b && $0 <= rightEdge }
        guard let left = fitPiece(Array(leftTs), samples[l], K),
              let right = fitPiece(rightTs, samples[l], K) else { continue }
        var num = 0.0, den = 0.0
        for k in 0..<K {
          let da = left.alpha[k] - right.alpha[k], db = left.beta[k] - right.beta[k]
          num -= da * db; den += db * db
        }
        guard den > 0 else { continue }
        let t = num / den
        let w = c.b - c.a
        guard t >= c.a - 0.25 * w, t <= c.b + 0.25 * w else { continue }
        let jump = (0..<K).map { right.beta[$0] - left.beta[$0] }
        // The midpoint must lie on the piece of its side.
        let side = c.m < t ? left : right
        var dm = 0.0
        for k in 0..<K { dm = Swift.max(dm, Swift.abs(samples[l][c.m]![k] - side.alpha[k] - side.beta[k] * c.m)) }
        guard dm <= 4 * tolerance else { continue }
        let predicted = (0..<K).map { 0.5 * (left.alpha[$0] + right.alpha[$0] + (left.beta[$0] + right.beta[$0]) * t) }
        candidates.append((c, t, jump, t - leftEdge, rightEdge - t, predicted))
      }
    }
    guard !candidates.isEmpty else { return [] }
    let check = try query(candidates.map { ($0.0.line, $0.t) }, reader: reader, stage: "critical-point verification")
    var points: [CriticalPoint] = []
    for (i, c) in candidates.enumerated() {
      var dev = 0.0
      for k in 0..<K { dev = Swift.max(dev, Swift.abs(check[i][k] - c.predicted[k])) }
      guard dev <= 4 * tolerance else { continue }
      points.append(CriticalPoint(line: c.0.line, t: c.t, x: lines[c.0.line].point(c.t), jump: c.jump,
                                  leftGap: c.left, rightGap: c.right))
    }
    return points
  }

  /// Least-squares line through the samples at `ts` (nearest to the kink first), grown while it
  /// stays linear within the tolerance. Nil with fewer than two samples.
  private func fitPiece(_ ts: [Double], _ s: [Double: [Double]], _ K: Int) -> (alpha: [Double], beta: [Double])? {
    guard ts.count >= 2 else { return nil }
    var best = line(through: Array(ts.prefix(2)), s, K)
    var n = 3
    while n <= ts.count {
      let cand = line(through: Array(ts.prefix(n)), s, K)
      var dev = 0.0
      for t in ts.prefix(n) { for k in 0..<K { dev = Swift.max(dev, Swift.abs(s[t]![k] - cand.alpha[k] - cand.beta[k] * t)) } }
      if dev > 2 * tolerance { break }
      best = cand
      n += 1
    }
    return best
  }

  private func line(through ts: [Double], _ s: [Double: [Double]], _ K: Int) -> (alpha: [Double], beta: [Double]) {
    let n = Double(ts.count)
    let tm = ts.reduce(0, +) / n
    var stt = 0.0
    for t in ts { stt += (t - tm) * (t - tm) }
    var alpha = [Double](repeating: 0, count: K), beta = [Double](repeating: 0, count: K)
    for k in 0..<K {
      var ym = 0.0, sty = 0.0
      for t in ts { ym += s[t]![k] }
      ym /= n
      for t in ts { sty += (t - tm) * (s[t]![k] - ym) }
      beta[k] = stt > 0 ? sty / stt : 0
      alpha[k] = ym - beta[k] * tm
    }
    return (alpha, beta)
  }
}
