import GauntletCore
import GauntletOracle

/// Reveals only the `k` largest probabilities of each row (others set to 0), optionally
/// renormalised to sum to 1. Top-k truncation as studied by Orekondy et al., "Knockoff Nets:
/// Stealing Functionality of Black-Box Models" (CVPR 2019, §6) and Tramèr et al. (USENIX Security
/// 2016). Keeps the top-1 label (ties to the lowest index, as `RowOp.topKMask`).
///
/// Spec: `topk:<k>` / `topk:k=3,renormalize=true`. Backend: one mask op and one multiply.
public struct TopKDefense: OutputDefense {
  public let k: Int
  public let renormalize: Bool

  public init(k: Int, renormalize: Bool = false) throws {
    guard k >= 1 else { throw GauntletError.invalidArgument(name: "topk.k", detail: "must be ≥ 1, got \(k)") }
    self.k = k; self.renormalize = renormalize
  }

  public var spec: String { "topk:k=\(k)" + (renormalize ? ",renormalize=true" : "") }
  public var preservesArgmax: Bool { true }

  public func prepare(_ setup: DefenseSetup) throws {
    guard k <= setup.classCount else {
      throw GauntletError.invalidArgument(name: "topk.k", detail: "must be ≤ the \(setup.classCount) classes, got \(k)")
    }
  }

  public func apply(to batch: inout DefenseBatch) throws {
    let be = batch.backend
    let p = try batch.probabilities()
    let out = try be.makeBuffer(count: batch.count)
    try be.rows(.topKMask(k: k), p.buffer, into: out, rows: batch.rows, cols: batch.classCount)
    try be.binary(.mul, p.buffer, out, into: out, count: batch.count)
    if renormalize { try DefenseMath.normalizeRows(out, rows: batch.rows, cols: batch.classCount, on: be) }
    try batch.setProbabilities(DefenseMath.tensor(out, batch.rows, batch.classCount, be))
  }
}
