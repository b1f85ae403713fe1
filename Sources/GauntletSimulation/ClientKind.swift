/// What a simulated client does with its query stream.
///
/// - `benign`: an honest user replaying test-split samples with small noise.
/// - `square`, `simba`, `nes`, `spsa`, `zoo`: an evasion attacker running that score-based attack
///   (`GauntletAttacks`) on a few correctly classified test samples through its own oracle session.
/// - `knockoff`, `jbda`: model thieves running that learning-based extraction attack
///   (`Extraction.steal`) on their thief data, then training a substitute.
public enum ClientKind: String, CaseIterable, Codable, Sendable, Hashable, Comparable {
  case benign, square, simba, nes, spsa, zoo, knockoff, jbda

  /// Parses a kind name (case-insensitive).
  public init(parsing text: String) throws {
    guard let k = ClientKind(rawValue: text.lowercased()) else { throw SimulationError.unknownClientKind(text) }
    self = k
  }

  /// Evasion attackers driven through `ScoreAttackSpec`.
  public var isEvasion: Bool { [.square, .simba, .nes, .spsa, .zoo].contains(self) }
  /// Model thieves.
  public var isThief: Bool { self == .knockoff || self == .jbda }

  /// The attack spec a client runs unless overridden: a `ScoreAttackSpec` for evasion kinds
  /// (L∞ ε = 0.1 on inputs in [0, 1]), an `ExtractionAttackSpec` for thieves.
  public var defaultAttackSpec: String? {
    switch self {
    case .square: return "square:eps=0.1,queries=1000"
    case .simba: return "simba:eps=0.1,queries=1000"
    case .nes: return "nes:eps=0.1,queries=2000"
    case .spsa: return "spsa:eps=0.1,queries=2000"
    case .zoo: return "zoo:queries=4000,b=32"
    case .knockoff: return "knockoff:budget=1000"
    case .jbda: return "jbda:budget=1000"
    case .benign: return nil
    }
  }

  public static func < (a: ClientKind, b: ClientKind) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}
