import GauntletCore
import GauntletOracle

/// Zeroes every probability below `cutoff`, always keeping the top-1 entry so the label survives
/// (the "high confidence" output filter of the Adversarial Robustness Toolbox, Nicolae et al.,
/// arXiv:1807.01069, 2018 — ART's version can zero a whole row; this one keeps its maximum).
/// Rows are not renormalised.
///
/// Spec: `threshold:<cutoff>` / `threshold:cutoff=0.2` (alias `high-confidence`). Backend:
/// mask = max(1 − relu(sign(cutoff − p)), top1Mask), then a multiply.
public struct ConfidenceThresholdDefense: OutputDefense {
  public let cutoff: Float

  public init(cutoff: Float) throws {
    try DefenseMath.requireFinite(cutoff, "cutoff", in: 0...1, "threshold")
    self.cutoff = cutoff
  }

  public var spec: String { "threshold:cutoff=\(specNumber(cutoff))" }
  public var preservesArgmax: Bool { true }

  public func apply(to batch: inout DefenseBatch) throws {
    let be = batch.backend, n = batch.count
    let p = try batch.probabilities()
    let mask = try be.makeBuffer(count: n)
    try be.unary(.affine(scale: -1, shift: cutoff), p.buffer, into: mask, count: n)   // cutoff − p
    try be.unary(.sign, mask, into: mask, count: n)
    try be.unary(.relu, mask, into: mask, count: n)                                   // 1 where p < cutoff
    try be.unary(.affine(scale: -1, shift: 1), mask, into: mask, count: n)            // 1 where p ≥ cutoff
    let top = try be.makeBuffer(count: n)
    try be.rows(.topKMask(k: 1), p.buffer, into: top, rows: batch.rows, cols: batch.classCount)
    try be.binary(.max, mask, top, into: mask, count: n)
    try be.binary(.mul, p.buffer, mask, into: mask, count: n)
    try batch.setProbabilities(DefenseMath.tensor(mask, batch.rows, batch.classCount, be))
  }
}
