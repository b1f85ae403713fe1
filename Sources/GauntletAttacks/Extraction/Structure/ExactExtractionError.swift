import GauntletOracle

/// Why an exact (algebraic or cryptanalytic) extraction could not run or could not finish.
///
/// Every case says what was wrong and what to do. Thrown by `EquationSolving.run` and
/// `StructureStealing.run`; a refused run spends no queries unless the case says otherwise.
public enum ExactExtractionError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The deployment reveals too little: exact recovery solves equations in the victim's
  /// confidences, so it needs full probability rows or logits.
  case needsConfidences(mode: String)
  /// A parameter was outside its valid range.
  case invalidParameter(name: String, detail: String)
  /// The attack's own cap (or the client's remaining oracle budget) is below what the run needs
  /// at the least; nothing was queried.
  case budgetTooSmall(needed: Int, available: Int, detail: String)
  /// The cap was reached in the middle of a stage; the queries already sent stay charged.
  case budgetExhausted(stage: String, used: Int, cap: Int)
  /// No input box: the oracle declares none and none was given.
  case missingBounds
  /// The victim's answers do not fit the model class the attack assumes (e.g. not a
  /// one-hidden-layer ReLU network, or a defense perturbs the scores).
  case modelMismatch(detail: String)

  public var description: String {
    switch self {
    case let .needsConfidences(mode):
      return "exact extraction needs confidences: the oracle answers '\(mode)', but equation solving and critical-point search solve equations in the victim's probabilities or logits. Deploy (or attack) an oracle in mode 'probabilities' or 'logits' (top-k only with k = all classes); against label-only APIs use a learning-based attack (knockoff, copycat, jbda)."
    case let .invalidParameter(name, detail):
      return "invalid parameter '\(name)': \(detail)"
    case let .budgetTooSmall(needed, available, detail):
      return "query budget too small: the run needs at least \(needed) queries (\(detail)) but only \(available) are available. Raise the budget (maxQueries / the oracle's per-client limit) or lower lines / validation points."
    case let .budgetExhausted(stage, used, cap):
      return "query cap of \(cap) reached during \(stage) after \(used) queries; raise maxQueries or lower the number of lines."
    case .missingBounds:
      return "no input box: the oracle declares no inputBounds; pass bounds (e.g. 0...1) so the attack knows where to query."
    case let .modelMismatch(detail):
      return "the victim does not behave like the assumed model: \(detail)"
    }
  }

  /// Checks that `mode` reveals a full score row (probabilities, logits, or top-k with k = all classes).
  static func requireConfidences(_ mode: OutputMode, classCount: Int) throws {
    switch mode {
    case .probabilities, .logits: return
    case let .topK(k) where k >= classCount: return
    default: throw ExactExtractionError.needsConfidences(mode: mode.description)
    }
  }

  /// Checks a box.
  static func checkBounds(_ b: ClosedRange<Float>?) throws -> ClosedRange<Float> {
    guard let b else { throw ExactExtractionError.missingBounds }
    guard b.lowerBound.isFinite, b.upperBound.isFinite, b.upperBound > b.lowerBound else {
      throw ExactExtractionError.invalidParameter(name: "bounds", detail: "need finite lower < upper, got \(b)")
    }
    return b
  }
}
