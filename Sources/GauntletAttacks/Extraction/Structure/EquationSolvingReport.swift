/// What `EquationSolving.run` recovered and measured.
public struct EquationSolvingReport: Codable, Sendable, Hashable {
  public var attack = "equation-solving"
  public var design: EquationSolving.Design
  public var inputCount: Int
  public var classCount: Int
  /// Every row sent to the oracle (equations + validation).
  public var queries: Int
  /// Rows of the linear system (≥ d + 1).
  public var equationQueries: Int
  public var validationQueries: Int
  /// Max |residual| of the solved system (0 for a square system; large: not softmax regression).
  public var fitResidual: Double
  /// Max |Δ centered logit| between the stolen model and the victim on fresh uniform points
  /// (measured through the oracle; nil when no validation points).
  public var maxLogitDifference: Double?
  /// `maxLogitDifference` over the largest |centered victim logit|.
  public var relativeLogitDifference: Double?
  /// Max |Δ| over weights and biases after the softmax gauge fix (only with a reference).
  public var parameterError: Double?
  public var seconds: Double
  /// The recovered parameters (centered over classes).
  public var network: ExtractedNetwork
}
