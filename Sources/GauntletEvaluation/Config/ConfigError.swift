/// Every problem found in an experiment configuration, reported together before any work starts.
///
/// ```
/// experiment.json: 3 problems
///   line 4: victim.epochs: must be an integer ≥ 1, got 0
///   line 9: attacks[0].attack: unknown attack 'sqare'; valid: square, simba, nes, zoo, spsa
///   line 12: attacks[1].budgets[0]: must be > 0, got -5
/// ```
public struct ConfigError: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var issues: [ConfigIssue]

  public init(path: String, issues: [ConfigIssue]) { self.path = path; self.issues = issues }

  public var description: String {
    "\(path): \(issues.count) problem\(issues.count == 1 ? "" : "s") in the experiment configuration "
      + "(see docs/experiments.md)\n" + issues.map { "  \($0)" }.joined(separator: "\n")
  }
}
