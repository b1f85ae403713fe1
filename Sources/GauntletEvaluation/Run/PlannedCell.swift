/// One cell of the experiment matrix before it runs: the honest-user cost of a defense on a
/// backend (`attackIndex == nil`), or one attack setting against one defense on one backend.
public struct PlannedCell: Sendable, Hashable, Codable {
  /// Stable identifier, also the cell's file name stem.
  public var id: String
  /// `cost`, or the attack's kind (`score`, …).
  public var kind: String
  public var backend: String
  public var defense: String
  /// Index into `ExperimentConfig.attacks`.
  public var attackIndex: Int?
  public var variant: CellVariant?

  public init(kind: String, backend: String, defense: String, attackIndex: Int?, attackLabel: String?, variant: CellVariant?) {
    self.kind = kind; self.backend = backend; self.defense = defense; self.attackIndex = attackIndex; self.variant = variant
    var parts = [backend, kind, "defense=\(defense)"]
    if let attackIndex, let attackLabel { parts.append("attack\(attackIndex)=\(attackLabel)") }
    if let v = variant {
      if let e = v.eps { parts.append("eps=\(e)") }
      if let b = v.budget { parts.append("budget=\(b)") }
      parts.append("seed=\(v.seed)")
    }
    id = parts.joined(separator: "|")
  }

  /// A file-system-safe name: the id's safe characters plus a hash of the whole id.
  public var fileStem: String {
    let safe = String(id.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "=" ? $0 : "_" }.prefix(80))
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in id.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return safe + "-" + String(h, radix: 16)
  }
}
