import Foundation
import Testing
@testable import GauntletAttacks
import Gauntlet

@Suite struct StructureExploreTests {
  @Test(arguments: [16, 32])
  func explore(width: Int) throws {
    let be = Fixtures.cpu
    let victim = try StructureVictims.relu(width: width, on: be)
    let oracle = try StructureVictims.oracle(victim)
    let session = oracle.session(client: "t")
    let box: ClosedRange<Float> = 0...1
    let d = 64
    let dense = victim.layers.compactMap { $0 as? Dense }
    let tw = try dense[0].weight.values().map(Double.init), tb = try dense[0].bias.values().map(Double.init)
    let reader = try CenteredScoreReader(session: session, cap: 1_000_000)
    var sampler = BoxSampler(seed: 0, stream: 2, bounds: box, d: d)
    var lines: [ProbeLine] = []
    for _ in 0..<48 {
      let p = sampler.vertex().map(Double.init), q = sampler.vertex().map(Double.init)
      lines.append(ProbeLine(p: p, u: (0..<d).map { q[$0] - p[$0] }))
    }
    let tol = try StructureStealing.calibrateNoise(reader: reader, sampler: &sampler, box: box, factor: 16)
    var search = CriticalPointSearch(lines: lines, initialCells: 16, minWidth: 1.0 / 1024, tolerance: tol, bounds: box)
    let pts = try search.run(reader: reader)
    // True kinks per line
    var trueCount = 0
    var distErr: [Double] = []
    var unmatchedPts = 0
    for l in lines.indices {
      for i in 0..<width {
        var z0 = tb[i], du = 0.0
        for j in 0..<d { z0 += tw[i * d + j] * lines[l].p[j]; du += tw[i * d + j] * lines[l].u[j] }
        let t = -z0 / du
        if t > 0 && t < 1 { trueCount += 1 }
      }
    }
    for i in 0..<width {
      var crossings = 0, found = 0
      for l in lines.indices {
        var z0 = tb[i], du = 0.0
        for j in 0..<d { z0 += tw[i * d + j] * lines[l].p[j]; du += tw[i * d + j] * lines[l].u[j] }
        let t = -z0 / du
        if t > 0 && t < 1 { crossings += 1 }
      }
      let w = Array(tw[(i * d)..<((i + 1) * d)])
      for p in pts where Swift.abs(Vec.dot(w, p.x) + tb[i]) / Vec.norm(w) < 1e-4 { found += 1 }
      var zmin = tb[i], zmax = tb[i]
      for j in 0..<d { zmin += Swift.min(0, w[j]); zmax += Swift.max(0, w[j]) }
      print("unit \(i) crossings \(crossings) found \(found) zrange \(zmin)...\(zmax) |w| \(Vec.norm(w))")
    }
    for p in pts {
      var best = Double.infinity
      for i in 0..<width {
        let w = Array(tw[(i * d)..<((i + 1) * d)])
        let dist = Swift.abs(Vec.dot(w, p.x) + tb[i]) / Vec.norm(w)
        best = Swift.min(best, dist)
      }
      if best > 1e-3 { unmatchedPts += 1 } else { distErr.append(best) }
    }
    distErr.sort()
    print("width \(width) tol \(tol) true kinks \(trueCount) found \(pts.count) unmatched \(unmatchedPts) dist median \(distErr[distErr.count / 2]) max \(distErr.last!) queries \(reader.used)")
    let rec = HyperplaneRecovery(lines: lines, tolerance: tol, step: 1e-2, clusterCosine: 0.999, planeTolerance: 0.02, bounds: box)
    // Jacobian normals at every point: compare to truth
    let normals = try rec.jacobianNormals(pts, reader: reader)
    var cosines: [Double] = []
    for (k, p) in pts.enumerated() {
      guard let n = normals[k] else { continue }
      var best = 0.0
      for i in 0..<width {
        let w = Array(tw[(i * d)..<((i + 1) * d)])
        if Swift.abs(Vec.dot(w, p.x) + tb[i]) / Vec.norm(w) < 1e-3 { best = Swift.abs(Vec.cosine(w, n)) }
      }
      cosines.append(best)
    }
    cosines.sort()
    print("jacobian cos: min \(cosines.first!) p10 \(cosines[cosines.count / 10]) median \(cosines[cosines.count / 2])")
    let planes = try rec.run(pts, reader: reader)
    for p in planes {
      var best = 0.0, bi = -1
      for i in 0..<width {
        let c = Vec.cosine(Array(tw[(i * d)..<((i + 1) * d)]), p.normal)
        if Swift.abs(c) > Swift.abs(best) { best = c; bi = i }
      }
      print("plane members \(p.members.count) best unit \(bi) cos \(best)")
    }
  }
}
