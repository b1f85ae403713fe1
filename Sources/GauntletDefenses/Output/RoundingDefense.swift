import GauntletCore
import GauntletOracle

/// Rounds each probability to `decimals` decimal places (half away from zero), as suggested as a
/// countermeasure by Tramèr et al., "Stealing Machine Learning Models via Prediction APIs"
/// (USENIX Security 2016, §8). Rows may no longer sum exactly to 1 and ties may appear (the label
/// is the lowest tied index), so argmax is not promised.
///
/// Spec: `round:<decimals>` / `round:decimals=2`. One backend row op.
public struct RoundingDefense: OutputDefense {
  public let decimals: Int

  public init(decimals: Int) throws {
    guard (0...8).contains(decimals) else {
      throw GauntletError.invalidArgument(name: "round.decimals", detail: "must be in 0…8, got \(decimals)")
    }
    self.decimals = decimals
  }

  public var spec: String { "round:decimals=\(decimals)" }

  public func apply(to batch: inout DefenseBatch) throws {
    let p = try batch.probabilities()
    let out = try batch.backend.makeBuffer(count: batch.count)
    try batch.backend.rows(.round(decimals: decimals), p.buffer, into: out, rows: batch.rows, cols: batch.classCount)
    try batch.setProbabilities(DefenseMath.tensor(out, batch.rows, batch.classCount, batch.backend))
  }
}

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

/// Reveals the predicted label only (Tramèr et al., USENIX Security 2016, §8: "class labels only").
/// The oracle's answer then carries `labels` and no scores, whatever its `OutputMode`.
///
/// Spec: `label-only` (alias `label`).
public struct LabelOnlyDefense: OutputDefense {
  public init() {}
  public var spec: String { "label-only" }
  public var preservesArgmax: Bool { true }
  public func apply(to batch: inout DefenseBatch) throws { batch.labelOnly = true }
}

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
