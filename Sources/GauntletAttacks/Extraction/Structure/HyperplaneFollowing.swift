import Foundation
import GauntletCore

/// Adds critical points to a recovered hyperplane until it has `minMembers` of them, by searching
/// short lines that cross it away from the points already known (Carlini, Jagielski & Mironov
/// 2020, §4.3 "following the hyperplane"; Rolnick & Kording 2020, Alg. 1): each new point pins
/// one more in-plane direction, so the least-squares plane through them sharpens.
///
/// Each short line is centred at `x* + ρ·r` (`r` a random unit vector in the current plane,
/// `ρ ∈ [0.2, 1]` box widths, shrunk to stay inside the box) and runs along the normal for
/// `±σ`; the kink whose jump is parallel to the plane's is taken.
struct HyperplaneFollowing {
  let recovery: HyperplaneRecovery
  let minMembers: Int
  let tolerance: Double
  let clusterCosine: Double
  let bounds: ClosedRange<Float>
  let seed: UInt64

  func run(_ planes: [RecoveredHyperplane], reader: CenteredScoreReader) throws -> [RecoveredHyperplane] {
    let d = reader.featureCount
    let lo = Double(bounds.lowerBound), hi = Double(bounds.upperBound), width = hi - lo
    var rng = HostRandom(key: PhiloxKey(seed: seed).derived(4))
    var lines: [ProbeLine] = []
    var owner: [Int] = []
    for (pi, plane) in planes.enumerated() where plane.members.count < minMembers {
      let anchor = plane.members[0].x
      let n = plane.normal
      for _ in 0..<(minMembers - plane.members.count) {
        var r = (0..<d).map { _ in Double(rng.unit()) - 0.5 }
        let proj = DoubleVec.dot(r, n)
        r = DoubleVec.normalized((0..<d).map { r[$0] - proj * n[$0] })
        var rho = (0.2 + 0.8 * Double(rng.unit())) * width
        var made = false
        for _ in 0..<6 where !made {
          // Move along the plane (kept off the box's faces), then back onto it.
          var c = (0..<d).map { Swift.min(hi - 0.02 * width, Swift.max(lo + 0.02 * width, anchor[$0] + rho * r[$0])) }
          let off = DoubleVec.dot(n, c) + plane.bias
          c = (0..<d).map { Swift.min(hi, Swift.max(lo, c[$0] - off * n[$0])) }
          var reach = 0.05 * width
          for j in 0..<d where Swift.abs(n[j]) > 1e-12 {
            reach = Swift.min(reach, Swift.min(c[j] - lo, hi - c[j]) / Swift.abs(n[j]))
          }
          if reach > 0.002 * width && Swift.abs(DoubleVec.dot(n, c) + plane.bias) < 0.5 * reach {
            lines.append(ProbeLine(p: (0..<d).map { c[$0] - reach * n[$0] }, u: n.map { 2 * reach * $0 }))
            owner.append(pi)
            made = true
          }
          rho *= 0.5
        }
      }
    }
    guard !lines.isEmpty else { return planes }
    var search = CriticalPointSearch(lines: lines, initialCells: 4, minWidth: 1.0 / 64, tolerance: tolerance, bounds: bounds)
    let found = try search.run(reader: reader)
    var out = planes
    var added = [Int](repeating: 0, count: planes.count)
    var byLine: [Int: CriticalPoint] = [:]
    for p in found {
      let plane = planes[owner[p.line]]
      guard DoubleVec.cosine(p.jump, plane.members[0].jump) >= clusterCosine else { continue }
      if let q = byLine[p.line], Swift.abs(q.t - 0.5) <= Swift.abs(p.t - 0.5) { continue }
      byLine[p.line] = p
    }
    for (l, p) in byLine {
      let pi = owner[l]
      // Re-index the line past the recovery's own lines: it is not one of them.
      out[pi].members.append(CriticalPoint(line: -1, t: p.t, x: p.x, jump: p.jump, leftGap: p.leftGap, rightGap: p.rightGap))
      added[pi] += 1
    }
    var result: [RecoveredHyperplane] = []
    for (pi, plane) in out.enumerated() {
      result.append(added[pi] > 0 ? recovery.refine(plane, prior: plane.normal) : plane)
    }
    return recovery.merge(result)
  }
}
