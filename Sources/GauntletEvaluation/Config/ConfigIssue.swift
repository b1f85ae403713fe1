/// One problem in an experiment configuration: the JSON path of the field, its line, and what to do.
public struct ConfigIssue: Error, Sendable, Hashable, Codable, CustomStringConvertible {
  /// JSON path, e.g. `attacks[1].budgets[0]` (`(syntax)` for a parse error, `(file)` for I/O).
  public var field: String
  /// 1-based line in the configuration file (0 when unknown).
  public var line: Int
  public var message: String

  public init(field: String, line: Int, message: String) {
    self.field = field; self.line = line; self.message = message
  }

  public var description: String { "line \(line): \(field): \(message)" }
}
