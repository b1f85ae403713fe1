import GauntletCore

/// What a deployment reveals for each query row.
///
/// ```swift
/// let config = OracleConfiguration(mode: .topK(3))
/// ```
public enum OutputMode: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The (defended) class-probability row, `[rows, classCount]`.
  case probabilities
  /// Logits. When a defense in the chain acted on probabilities, the revealed "logits" are the
  /// log-probabilities `log(max(p, 1e-30))` of the defended row, which equal the model's logits up
  /// to a per-row constant when nothing changed them.
  case logits
  /// The defended probability row with every entry outside the `k` largest set to 0 (not
  /// renormalised: the revealed mass is the true mass of those classes). Ties go to the lowest index.
  case topK(Int)
  /// Only the predicted label of each row; `OracleAnswer.scores` is `nil`.
  case label

  public var description: String {
    switch self {
    case .probabilities: return "probabilities"
    case .logits: return "logits"
    case let .topK(k): return "top\(k)"
    case .label: return "label"
    }
  }

  /// Parses `probabilities`, `logits`, `label`, `topK:<k>` / `top<k>` (as printed by `description`).
  public init(parsing text: String) throws {
    let t = text.lowercased()
    switch t {
    case "probabilities", "probs", "p": self = .probabilities
    case "logits": self = .logits
    case "label", "labels", "label-only": self = .label
    default:
      let digits = t.hasPrefix("topk:") ? String(t.dropFirst(5)) : t.hasPrefix("top") ? String(t.dropFirst(3)) : ""
      guard let k = Int(digits), k >= 1 else {
        throw GauntletError.invalidArgument(
          name: "mode", detail: "unknown output mode '\(text)'; valid: probabilities, logits, label, top<k> (e.g. top3)")
      }
      self = .topK(k)
    }
  }
}

/// Why an attack sent a query: attacks report loss queries and success checks separately.
public enum QueryPurpose: String, Sendable, Hashable, Codable, CaseIterable {
  /// Rows used to estimate an objective or its gradient.
  case loss
  /// Rows that check whether a candidate already succeeds (misclassified, label matches…).
  case successCheck
  /// Anything else (benign traffic, extraction labelling, probing).
  case other
}

/// Which attack sample each row of a batch belongs to, for per-sample query accounting.
public enum SampleAttribution: Sendable, Hashable {
  /// No per-sample accounting.
  case none
  /// Every row belongs to sample `id`.
  case sample(Int)
  /// Row `r` belongs to sample `ids[r]` (`ids.count` must equal the batch's row count).
  case perRow([Int])
  /// Rows come in consecutive blocks of `rowsPerSample`, the first block belonging to sample
  /// `first`, the next to `first + 1`… (the layout of a batched perturbation: `samples × Q` rows).
  case contiguous(first: Int, rowsPerSample: Int)

  func validate(rows: Int) throws {
    switch self {
    case .none, .sample: return
    case let .perRow(ids) where ids.count != rows:
      throw GauntletError.shapeMismatch(operation: "Oracle.query",
                                        detail: "SampleAttribution.perRow has \(ids.count) ids for \(rows) rows")
    case let .contiguous(_, per) where per < 1 || rows % per != 0:
      throw GauntletError.invalidArgument(
        name: "rowsPerSample", detail: "must be ≥ 1 and divide the batch's \(rows) rows, got \(per)")
    default: return
    }
  }
}
