import Foundation
import GauntletCore
import GauntletOracle

/// The objective a score-based attack minimizes, computed from what the oracle reveals.
///
/// Scores are turned into log-probabilities `z` (probability and top-k modes: `log(max(p, 1e-30))`;
/// logits mode: log-softmax). With `y` the true label and `t` the target:
/// - `margin`: untargeted `z_y − max_{j≠y} z_j`, targeted `max_{j≠t} z_j − z_t` (< 0 means the
///   attack succeeded; Carlini & Wagner 2017, on log-probabilities as in ZOO);
/// - `crossEntropy`: untargeted `log p_y`, targeted `−log p_t`;
/// - `probability`: untargeted `p_y`, targeted `−p_t` (SimBA).
public enum ScoreLoss: String, Sendable, Hashable, Codable, CaseIterable {
  case margin, crossEntropy, probability

  /// Log-probabilities of every row of a revealed answer.
  static func logProbabilities(_ answer: OracleAnswer) throws -> [Float] {
    guard answer.mode != .label, answer.scores != nil else {
      throw GauntletError.unsupported(operation: "score-based attack (the oracle reveals labels only; use a decision-based attack)",
                                      backend: "oracle mode \(answer.mode)")
    }
    var s = try answer.scoreArray()
    let k = answer.classCount
    switch answer.mode {
    case .logits:
      // log-softmax with log1p around the largest logit, so that log p of a confident class keeps
      // its tiny distance from 0 (1 − p ≈ 1e-9 is still visible to a finite difference).
      for r in 0..<answer.rows {
        var m = -Float.infinity, top = 0
        for j in 0..<k where s[r * k + j] > m { m = s[r * k + j]; top = j }
        var rest: Float = 0
        for j in 0..<k where j != top { rest += expf(s[r * k + j] - m) }
        let l = log1pf(rest)
        for j in 0..<k { s[r * k + j] = (s[r * k + j] - m) - l }
      }
    default:
      for i in s.indices { s[i] = logf(max(s[i], 1e-30)) }
    }
    return s
  }

  /// The loss of one row of log-probabilities `z` for true label `y` and optional target `t`.
  func value(_ z: ArraySlice<Float>, label y: Int32, target t: Int32?) -> Float {
    let base = z.startIndex
    let cls = t ?? y
    var other = -Float.infinity
    for j in 0..<z.count where j != Int(cls) { other = max(other, z[base + j]) }
    let zc = z[base + Int(cls)]
    switch self {
    case .margin: return t == nil ? zc - other : other - zc
    case .crossEntropy: return t == nil ? zc : -zc
    case .probability: return t == nil ? expf(zc) : -expf(zc)
    }
  }

  /// ∂loss/∂logits for one row of logits (a surrogate's), for transfer priors.
  func gradient(logits: ArraySlice<Float>, label y: Int32, target t: Int32?) -> [Float] {
    let k = logits.count, base = logits.startIndex
    let m = logits.max() ?? 0
    var p = (0..<k).map { expf(logits[base + $0] - m) }
    let s = p.reduce(0, +)
    p = p.map { $0 / s }
    let cls = Int(t ?? y)
    var g = [Float](repeating: 0, count: k)
    switch self {
    case .margin:
      var j = cls == 0 ? 1 : 0
      for i in 0..<k where i != cls && logits[base + i] > logits[base + j] { j = i }
      // d(ls_c − ls_j)/dz = e_c − e_j (the log-sum-exp terms cancel).
      let sign: Float = t == nil ? 1 : -1
      g[cls] += sign; g[j] -= sign
    case .crossEntropy:
      // d log p_c / dz = e_c − p.
      let sign: Float = t == nil ? 1 : -1
      for i in 0..<k { g[i] = sign * ((i == cls ? 1 : 0) - p[i]) }
    case .probability:
      let sign: Float = t == nil ? 1 : -1
      for i in 0..<k { g[i] = sign * p[cls] * ((i == cls ? 1 : 0) - p[i]) }
    }
    return g
  }
}
