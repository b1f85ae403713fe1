import GauntletCore
import GauntletOracle

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
