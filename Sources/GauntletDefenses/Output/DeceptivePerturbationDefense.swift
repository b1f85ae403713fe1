import GauntletCore
import GauntletOracle

/// Argmax-preserving deceptive perturbation: keeps each row's top-1 probability and hands the
/// runner-up classes each other's mass in reversed rank order (the most likely wrong class gets the
/// least likely one's probability), mixed with strength `beta`:
/// `p̃_j = (1 − β)·p_j + β·p_{π(j)}`, `π` reversing the ranks of the non-top classes.
/// Rows stay probability distributions, the label never changes (zero accuracy cost), while the
/// "dark knowledge" in the ranking of the wrong classes — what distillation-style extraction
/// learns from — is inverted. In the spirit of the deceptive perturbations of Lee et al., "Defending
/// Against NN Model Stealing Attacks Using Deceptive Perturbations" (IEEE S&P Workshops 2019); the
/// rank-reversal construction is Gauntlet's. A sort per row, on the host.
///
/// Spec: `deceptive:beta=1`.
public struct DeceptivePerturbationDefense: OutputDefense {
  public let beta: Float

  public init(beta: Float) throws {
    try DefenseMath.requireFinite(beta, "beta", in: 0...1, "deceptive")
    self.beta = beta
  }

  public var spec: String { "deceptive:beta=\(specNumber(beta))" }
  public var preservesArgmax: Bool { true }

  public func apply(to batch: inout DefenseBatch) throws {
    let K = batch.classCount
    guard K > 2 else { return }
    var p = try batch.hostProbabilities()
    var order = [Int](repeating: 0, count: K - 1)
    var row = [Float](repeating: 0, count: K)
    for r in 0..<batch.rows {
      let base = r * K
      for j in 0..<K { row[j] = p[base + j] }
      var c = 0
      for j in 1..<K where row[j] > row[c] { c = j }
      // non-top classes by decreasing probability (ties: lower index first), insertion sort
      var n = 0
      for j in 0..<K where j != c {
        var i = n
        while i > 0 && (row[order[i - 1]] < row[j] || (row[order[i - 1]] == row[j] && order[i - 1] > j)) {
          order[i] = order[i - 1]; i -= 1
        }
        order[i] = j; n += 1
      }
      for i in 0..<n {
        let j = order[i], partner = order[n - 1 - i]
        p[base + j] = (1 - beta) * row[j] + beta * row[partner]
      }
    }
    try batch.setHostProbabilities(p)
  }
}
