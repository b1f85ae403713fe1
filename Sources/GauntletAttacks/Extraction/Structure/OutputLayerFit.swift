import Foundation

/// Functionally-equivalent recovery of a one-hidden-layer ReLU network once its hyperplanes are
/// known (Jagielski, Carlini, Berthelot, Kurakin & Papernot, "High Accuracy and High Fidelity
/// Extraction of Neural Networks", USENIX Security 2020, §6): with the hidden units fixed, the
/// logits are **linear** in the output layer, so it is one least-squares solve on queried logits.
///
/// Each hyperplane's sign is unknown (`a·relu(z) = a·relu(−z) + a·z`). The first solve uses the
/// features `[relu(ŵ_i·x + b̂_i), x, 1]`: a unit whose true orientation is flipped shows up as
/// `−a_i ŵ_iᵀ` in the linear coefficients `L`; solving `L = −Σ δ_i a_i ŵ_iᵀ` and rounding
/// `δ_i ∈ {0, 1}` gives the orientations. A final solve on `[relu(w_i·x + b_i), 1]` gives the
/// output layer. If that does not fit within the noise (units on everywhere in the box are linear
/// there), `d` extra units `relu(x_j − lo)` (exact on the box) are added when they halve the residual.
struct OutputLayerFit {
  let lo: Float
  /// Noise tolerance on centered logits: linear units are added only when the fit without them
  /// is off by more than `32 ×` this and they halve the residual.
  let noise: Double

  struct Result {
    var network: ExtractedNetwork
    /// Units kept for the victim's linear (always-on) part.
    var linearUnits: Int
    /// Max |residual| of the final solve on its rows.
    var fitResidual: Double
    /// How far the orientation estimates were from {0, 1} (max over units).
    var signAmbiguity: Double
    /// Single-point hyperplanes dropped because the fit did as well without them.
    var dropped: Int
  }

  func fit(planes: [RecoveredHyperplane], rows xs: [Float], scores ys: [Double], d: Int, K: Int) -> Result {
    let n = xs.count / d, h = planes.count
    // Pass 1: [relu(z), x, 1]
    let c1 = h + d + 1
    var a = [Double](repeating: 0, count: n * c1)
    for r in 0..<n {
      for (i, p) in planes.enumerated() {
        var z = p.bias
        for j in 0..<d { z += p.normal[j] * Double(xs[r * d + j]) }
        a[r * c1 + i] = Swift.max(0, z)
      }
      for j in 0..<d { a[r * c1 + h + j] = Double(xs[r * d + j]) }
      a[r * c1 + h + d] = 1
    }
    let first = LeastSquares(a: a, rows: n, cols: c1, b: ys, rhs: K)
    // Orientation: L (d × K, rows of the solution h..<h+d) = −Σ δ_i ŵ_i a_iᵀ.
    var g = [Double](repeating: 0, count: d * K * h), target = [Double](repeating: 0, count: d * K)
    for j in 0..<d {
      for k in 0..<K {
        target[j * K + k] = -first.solution[(h + j) * K + k]
        for i in 0..<h { g[(j * K + k) * h + i] = planes[i].normal[j] * first.solution[i * K + k] }
      }
    }
    var flips = [Bool](repeating: false, count: h)
    var ambiguity = 0.0
    if h > 0 {
      let delta = LeastSquares(a: g, rows: d * K, cols: h, b: target, rhs: 1).solution
      for i in 0..<h {
        flips[i] = delta[i] > 0.5
        ambiguity = Swift.max(ambiguity, Swift.min(Swift.abs(delta[i]), Swift.abs(delta[i] - 1)))
      }
    }
    var w = [Double](repeating: 0, count: h * d), b = [Double](repeating: 0, count: h)
    for (i, p) in planes.enumerated() {
      let s = flips[i] ? -1.0 : 1.0
      for j in 0..<d { w[i * d + j] = s * p.normal[j] }
      b[i] = s * p.bias
    }
    // A hyperplane seen at a single critical point may be an artefact (two kinks resolved as
    // one): it is dropped when the fit does as well without it.
    var keep = Array(0..<h)
    var current = solve(w: w, b: b, extra: 0, xs: xs, ys: ys, d: d, K: K, h: h).residual
    for i in (0..<h).reversed() where planes[i].members.count == 1 {
      let trial = keep.filter { $0 != i }
      let r = solve(w: rows(w, trial, d), b: trial.map { b[$0] }, extra: 0, xs: xs, ys: ys, d: d, K: K, h: trial.count).residual
      if r <= Swift.max(2 * current, 32 * noise) { keep = trial; current = Swift.min(current, r) }
    }
    let hk = keep.count
    w = rows(w, keep, d); b = keep.map { b[$0] }
    // Pass 2 without, then (only if the fit is off by more than the noise) with linear units.
    var best = solve(w: w, b: b, extra: 0, xs: xs, ys: ys, d: d, K: K, h: hk)
    if best.residual > 32 * noise {
      let withLinear = solve(w: w, b: b, extra: d, xs: xs, ys: ys, d: d, K: K, h: hk)
      if withLinear.residual < 0.5 * best.residual { best = withLinear }
    }
    return Result(network: best.network, linearUnits: best.extra, fitResidual: best.residual, signAmbiguity: ambiguity,
                  dropped: h - hk)
  }

  private func rows(_ w: [Double], _ keep: [Int], _ d: Int) -> [Double] { keep.flatMap { w[($0 * d)..<(($0 + 1) * d)] } }

  private func solve(w: [Double], b: [Double], extra: Int, xs: [Float], ys: [Double], d: Int, K: Int, h: Int)
    -> (network: ExtractedNetwork, residual: Double, extra: Int) {
    let n = xs.count / d
    let c2 = h + extra + 1
    var a2 = [Double](repeating: 0, count: n * c2)
    for r in 0..<n {
      for i in 0..<h {
        var z = b[i]
        for j in 0..<d { z += w[i * d + j] * Double(xs[r * d + j]) }
        a2[r * c2 + i] = Swift.max(0, z)
      }
      for j in 0..<extra { a2[r * c2 + h + j] = Double(xs[r * d + j]) - Double(lo) }
      a2[r * c2 + h + extra] = 1
    }
    let second = LeastSquares(a: a2, rows: n, cols: c2, b: ys, rhs: K)
    let width = h + extra
    var hw = [Float](repeating: 0, count: width * d), hb = [Float](repeating: 0, count: width)
    for i in 0..<h { for j in 0..<d { hw[i * d + j] = Float(w[i * d + j]) }; hb[i] = Float(b[i]) }
    for j in 0..<extra { hw[(h + j) * d + j] = 1; hb[h + j] = -lo }
    var ow = [Float](repeating: 0, count: K * width), ob = [Float](repeating: 0, count: K)
    for k in 0..<K {
      for i in 0..<width { ow[k * width + i] = Float(second.solution[i * K + k]) }
      ob[k] = Float(second.solution[width * K + k])
    }
    let net = ExtractedNetwork(inputCount: d, classCount: K, hiddenWeights: hw, hiddenBiases: hb,
                               outputWeights: ow, outputBiases: ob)
    let pred = net.logits(xs)
    var resid = 0.0
    for i in 0..<pred.count { resid = Swift.max(resid, Swift.abs(pred[i] - ys[i])) }
    return (net, resid, extra)
  }
}
