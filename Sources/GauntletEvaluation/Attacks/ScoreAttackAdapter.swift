import Foundation
import GauntletAttacks
import GauntletCore
import GauntletOracle

/// Score-based black-box evasion (`ScoreAttackSpec`): Square (Andriushchenko et al. 2020), SimBA
/// (Guo et al. 2019), NES (Ilyas et al. 2018), ZOO (Chen et al. 2017), SPSA (Uesato et al. 2018),
/// through the oracle behind each defense chain.
///
/// One cell per (ε, seed) runs at the largest budget; success at each smaller budget is read off the
/// per-sample query counts (a sample's run does not depend on the budget: it stops when it succeeds).
public struct ScoreAttackAdapter: AttackAdapter {
  public init() {}
  public let kind = "score"
  /// `prgf` is left out: it needs a surrogate model the configuration cannot name yet.
  public let names = ["square", "simba", "nes", "zoo", "spsa"]

  public func throughOracle(_ attack: String) -> Bool { true }
  public func epsilon(_ attack: String) -> EpsilonUse { attack == "zoo" ? .none : .required }
  public func usesBudgets(_ attack: String) -> Bool { true }

  /// The `ScoreAttackSpec` text of one setting.
  func spec(_ a: AttackConfig, eps: Double?, budget: Int, seed: UInt64) -> String {
    var parts: [String] = []
    if let eps { parts.append("eps=\(eps)") }
    parts.append("queries=\(budget)")
    parts.append("seed=\(seed)")
    if !a.paramText.isEmpty { parts.append(a.paramText) }
    return "\(a.attack):" + parts.joined(separator: ",")
  }

  public func validate(_ a: AttackConfig) -> [String] {
    var problems: [String] = []
    for k in ["eps", "queries", "iters", "seed"] where a.params[k] != nil {
      problems.append("params.\(k): give '\(k == "iters" || k == "queries" ? "budgets" : k == "seed" ? "seeds" : "eps")' at the entry's top level instead")
    }
    guard problems.isEmpty else { return problems }
    let maxBudget = a.budgets.max() ?? 1
    for eps in (a.eps.isEmpty ? [nil] : a.eps.map(Optional.some)) {
      do { _ = try ScoreAttackSpec.parse(spec(a, eps: eps, budget: maxBudget, seed: a.seeds.first ?? 0)) } catch {
        problems.append("\(error)")
        break
      }
    }
    return problems
  }

  public func variants(_ a: AttackConfig) -> [CellVariant] {
    let eps: [Double?] = a.eps.isEmpty ? [nil] : a.eps
    return eps.flatMap { e in a.seeds.map { CellVariant(eps: e, budget: nil, seed: $0) } }
  }

  public func run(_ a: AttackConfig, _ v: CellVariant, context: CellContext) throws -> CellOutcome {
    let budgets = a.budgets.sorted()
    let maxBudget = budgets.last ?? 1
    let text = spec(a, eps: v.eps, budget: maxBudget, seed: v.seed)
    let attack = try ScoreAttackSpec.parse(text)
    let (x, host, labels) = try context.victim.points(a.samples)
    let oracle = try context.oracle()
    let run = try attack.run(oracle.session(client: "attacker"), inputs: x, labels: labels)
    // Square, NES and SPSA project onto the ε-ball; SimBA's ε is a step size and ZOO has none.
    let norm = (a.params["norm"]?.lowercased()).map { $0 == "2" ? "l2" : $0 == "inf" ? "linf" : $0 } ?? "linf"
    let radius = ["square", "nes", "spsa"].contains(a.attack) ? v.eps.map { (norm, $0) } : nil
    return try EvasionOutcome.make(spec: text, run: run, originals: host, labels: labels, budgets: a.budgets,
                                   radius: radius, context: context)
  }
}
