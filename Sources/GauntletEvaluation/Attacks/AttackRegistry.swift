/// Every attack kind the experiment runner knows. Adding a kind: one file with an `AttackAdapter`
/// and its line here.
public enum AttackRegistry {
  public static let adapters: [any AttackAdapter] = [
    ScoreAttackAdapter(),
    EvasionAttackAdapter(),
    ExtractionAttackAdapter(),
  ]

  /// The adapter owning `name` (case-insensitive).
  public static func adapter(for name: String) -> (any AttackAdapter)? {
    let n = name.lowercased()
    return adapters.first { $0.names.contains(n) }
  }

  /// The adapter of `kind`.
  public static func adapter(kind: String) -> (any AttackAdapter)? { adapters.first { $0.kind == kind } }

  /// Every known attack name, for error messages and docs.
  public static var allNames: [String] {
    var seen = Set<String>()
    return adapters.flatMap(\.names).filter { seen.insert($0).inserted }
  }
}
