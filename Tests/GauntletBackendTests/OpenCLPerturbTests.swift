import Testing
@testable import GauntletOpenCL
import GauntletCore

/// Perturbations against plain Swift; exact except the L2 projection (≤ 2 ulp: the norm's sum).
@Suite(.enabled(if: OCL.enabled, OCL.skipReason))
struct OpenCLPerturbTests {
  @Test(arguments: [false, true]) func perturbRowsMatchesSwift(_ antithetic: Bool) throws {
    let be = try OCL.backend()
    let samples = 3, q = 5, dim = 17, sigma: Float = 0.125
    let base = OCL.data(samples * dim, seed: 31), u = OCL.data(samples * q * dim, seed: 32)
    let out = try be.makeBuffer(count: (antithetic ? 2 : 1) * samples * q * dim)
    try be.perturbRows(base: try be.makeBuffer(base), directions: try be.makeBuffer(u), sigma: sigma,
                       antithetic: antithetic, into: out, samples: samples, directionsPerSample: q, dim: dim)
    var want: [Float] = []
    for r in 0..<(samples * q) {
      let s = r / q
      let plus = (0..<dim).map { base[s * dim + $0] + sigma * u[r * dim + $0] }
      want += plus
      if antithetic { want += (0..<dim).map { base[s * dim + $0] - sigma * u[r * dim + $0] } }
    }
    #expect(try be.download(out) == want)
  }

  @Test func perturbCoordinatesMatchesSwift() throws {
    let be = try OCL.backend()
    let samples = 2, c = 3, dim = 11, h: Float = 1e-2
    let base = OCL.data(samples * dim, seed: 33)
    let indices: [Int32] = [0, 10, 4, 4, 7, 1]
    let out = try be.makeBuffer(count: 2 * samples * c * dim)
    try be.perturbCoordinates(base: try be.makeBuffer(base), indices: indices, h: h, into: out,
                              samples: samples, coordinatesPerSample: c, dim: dim)
    var want: [Float] = []
    for j in 0..<(samples * c) {
      let s = j / c, i = Int(indices[j])
      var plus = Array(base[s * dim ..< (s + 1) * dim]), minus = plus
      plus[i] = plus[i] + h
      minus[i] = minus[i] - h
      want += plus + minus
    }
    #expect(try be.download(out) == want)
    #expect(throws: GauntletError.self) {
      try be.perturbCoordinates(base: try be.makeBuffer(base), indices: [0, 1, 2, 3, 4, 11], h: h, into: out,
                                samples: samples, coordinatesPerSample: c, dim: dim)
    }
    #expect(throws: GauntletError.self) {
      try be.perturbCoordinates(base: try be.makeBuffer(base), indices: [0, 1], h: h, into: out,
                                samples: samples, coordinatesPerSample: c, dim: dim)
    }
  }

  @Test(arguments: Norm.allCases) func stepProjectMatchesSwift(_ norm: Norm) throws {
    let be = try OCL.backend()
    let rows = 9, cols = 23, step: Float = 0.3, eps: Float = 0.2
    let origin = OCL.data(rows * cols, seed: 34, lo: 0, hi: 1)
    var x = zip(origin, OCL.data(rows * cols, seed: 35, lo: -0.1, hi: 0.1)).map { Swift.min(Swift.max($0 + $1, 0), 1) }
    var dir = OCL.data(rows * cols, seed: 36)
    for j in 0..<cols { dir[j] = 0; x[j] = origin[j] }       // row 0: δ = 0, out = x
    var want = [Float](repeating: 0, count: rows * cols)
    for r in 0..<rows {
      let idx = r * cols ..< (r + 1) * cols
      var d = idx.map { (x[$0] + step * dir[$0]) - origin[$0] }
      switch norm {
      case .linf: d = d.map { Swift.min(Swift.max($0, -eps), eps) }
      case .l2:
        let n = d.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        if n > eps { d = d.map { $0 * (eps / n) } }
      }
      for (j, i) in idx.enumerated() { want[i] = Swift.min(Swift.max(origin[i] + d[j], 0), 1) }
    }
    let dx = try be.makeBuffer(x)
    try be.stepProject(x: dx, direction: try be.makeBuffer(dir), origin: try be.makeBuffer(origin), stepSize: step,
                       epsilon: eps, norm: norm, lo: 0, hi: 1, into: dx, rows: rows, cols: cols)   // out aliases x
    let got = try be.download(dx)
    let worst = zip(got, want).map { OCL.ulps($0, $1) }.max() ?? 0
    #expect(worst <= (norm == .l2 ? 2 : 0), "\(norm): \(worst) ulp")
    #expect(Array(got[0..<cols]) == Array(x[0..<cols]))
  }

  @Test func rejectsBadProjection() throws {
    let be = try OCL.backend()
    let b = try be.makeBuffer(count: 8)
    #expect(throws: GauntletError.self) {
      try be.stepProject(x: b, direction: b, origin: b, stepSize: 1, epsilon: -1, norm: .linf, lo: 0, hi: 1,
                         into: b, rows: 2, cols: 4)
    }
    #expect(throws: GauntletError.self) {
      try be.stepProject(x: b, direction: b, origin: b, stepSize: 1, epsilon: 1, norm: .l2, lo: 1, hi: 0,
                         into: b, rows: 2, cols: 4)
    }
    #expect(throws: GauntletError.self) {
      try be.stepProject(x: b, direction: b, origin: b, stepSize: .nan, epsilon: 1, norm: .l2, lo: 0, hi: 1,
                         into: b, rows: 2, cols: 4)
    }
  }
}
