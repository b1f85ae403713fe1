import GauntletAttacks
import GauntletCore
import GauntletOracle

/// White-box and decision-based evasion (`EvasionAttackSpec`): FGSM (Goodfellow et al. 2015),
/// PGD / BIM (Madry et al. 2018; Kurakin et al. 2017), C&W L2 (Carlini & Wagner 2017), DeepFool
/// (Moosavi-Dezfooli et al. 2016) on the model itself; HopSkipJump (Chen et al. 2020), Boundary
/// (Brendel et al. 2018) and Sign-OPT (Cheng et al. 2020) through the oracle's labels.
///
/// White-box attacks hold the undefended model: one cell per (ε, seed) against `none`, no budget.
/// Decision-based ones run behind each defense chain at the largest budget, like score attacks.
public struct EvasionAttackAdapter: AttackAdapter {
  public init() {}
  public let kind = "evasion"
  public var names: [String] { EvasionAttackSpec.whiteBoxNames + EvasionAttackSpec.decisionNames }

  static let seeded: Set<String> = ["pgd", "bim", "hsj", "boundary", "signopt"]

  func isWhiteBox(_ attack: String) -> Bool { EvasionAttackSpec.whiteBoxNames.contains(attack) }
  public func throughOracle(_ attack: String) -> Bool { !isWhiteBox(attack) }
  /// Attacks whose default norm is L∞ (the rest default to L2).
  public static let linfByDefault: Set<String> = ["fgsm", "pgd", "bim", "apgd"]
  /// ε is needed by the L∞ white-box attacks (their radius) and by the decision-based ones (else
  /// "success" is any misclassified start point and the budget curve is meaningless); C&W and
  /// DeepFool are minimum-norm attacks, where ε only scores the result.
  public func epsilon(_ attack: String) -> EpsilonUse {
    Self.linfByDefault.contains(attack) || EvasionAttackSpec.decisionNames.contains(attack) ? .required : .optional
  }
  public func usesBudgets(_ attack: String) -> Bool { !isWhiteBox(attack) }

  func spec(_ a: AttackConfig, eps: Double?, seed: UInt64) -> String {
    var parts: [String] = []
    if let eps { parts.append("eps=\(eps)") }
    if let b = a.budgets.max() { parts.append("queries=\(b)") }
    if Self.seeded.contains(a.attack) { parts.append("seed=\(seed)") }
    if !a.paramText.isEmpty { parts.append(a.paramText) }
    return a.attack + (parts.isEmpty ? "" : ":" + parts.joined(separator: ","))
  }

  public func validate(_ a: AttackConfig) -> [String] {
    for k in ["eps", "queries", "seed"] where a.params[k] != nil {
      return ["params.\(k): give '\(k == "queries" ? "budgets" : k == "seed" ? "seeds" : "eps")' at the entry's top level instead"]
    }
    if !Self.seeded.contains(a.attack) && a.seeds.count > 1 {
      return ["\(a.attack) is deterministic: give one seed (or none)"]
    }
    for eps in (a.eps.isEmpty ? [nil] : a.eps.map(Optional.some)) {
      do { _ = try EvasionAttackSpec.parse(spec(a, eps: eps, seed: a.seeds.first ?? 0)) } catch { return ["\(error)"] }
    }
    return []
  }

  public func variants(_ a: AttackConfig) -> [CellVariant] {
    let eps: [Double?] = a.eps.isEmpty ? [nil] : a.eps
    return eps.flatMap { e in a.seeds.map { CellVariant(eps: e, budget: nil, seed: $0) } }
  }

  public func run(_ a: AttackConfig, _ v: CellVariant, context: CellContext) throws -> CellOutcome {
    let text = spec(a, eps: v.eps, seed: v.seed)
    let attack = try EvasionAttackSpec.parse(text)
    let (x, host, labels) = try context.victim.points(a.samples)
    let run: AttackRun
    if isWhiteBox(a.attack) {
      run = try attack.run(inputs: x, labels: labels, model: context.victim.model, bounds: 0...1)
    } else {
      run = try attack.run(inputs: x, labels: labels, oracle: context.oracle().session(client: "attacker"))
    }
    let norm = a.params["norm"]?.lowercased() ?? (Self.linfByDefault.contains(a.attack) ? "linf" : "l2")
    return try EvasionOutcome.make(spec: text, run: run, originals: host, labels: labels, budgets: a.budgets,
                                   radius: v.eps.map { (norm == "inf" ? "linf" : norm == "2" ? "l2" : norm, $0) }, context: context)
  }
}
