import GauntletAttacks
import GauntletCore
import GauntletOracle

/// Model extraction (`ExtractionAttackSpec`, `Extraction.steal`): substitute training (Tramèr et
/// al. 2016), Knockoff Nets (Orekondy et al. 2019), Copycat CNN (Correia-Silva et al. 2018), JBDA
/// (Papernot et al. 2017), ActiveThief (Pal et al. 2020), genetic and boundary query synthesis,
/// DFME (Truong et al. 2021) — through the oracle behind each defense chain.
///
/// One cell per (budget, seed). Besides the spec's own keys, `params` may hold `thief` (`domain`,
/// `noise`, `mixup`, `strokes`; default `strokes` for copycat, else `domain`) and `thiefCount`
/// (rows of synthetic thief data, default 2000). Metrics: `fidelity` (agreement with the victim on
/// the test split), `fidelityUniform`, `accuracy` (the substitute's test accuracy),
/// `transferSuccess` (PGD examples crafted on the substitute that fool the victim), `queries`.
public struct ExtractionAttackAdapter: AttackAdapter {
  public init() {}
  public let kind = "extraction"
  public var names: [String] { ExtractionMethod.allCases.map(\.rawValue) }

  public func throughOracle(_ attack: String) -> Bool { true }
  public func epsilon(_ attack: String) -> EpsilonUse { .none }
  public func usesBudgets(_ attack: String) -> Bool { true }

  static let ownKeys: Set<String> = ["thief", "thiefcount"]

  func spec(_ a: AttackConfig, budget: Int, seed: UInt64) throws -> ExtractionAttackSpec {
    let extra = a.params.filter { !Self.ownKeys.contains($0.key) }.map { "\($0.key)=\($0.value)" }.sorted()
    return try ExtractionAttackSpec(parsing: ([ "\(a.attack):budget=\(budget)", "seed=\(seed)"] + extra).joined(separator: ","))
  }

  func source(_ a: AttackConfig) throws -> ThiefData.Source {
    let name = a.params["thief"] ?? (a.attack == "copycat" ? "strokes" : "domain")
    guard let s = ThiefData.Source(rawValue: name) else {
      throw GauntletError.invalidArgument(name: "thief", detail: "'\(name)': choose one of \(ThiefData.Source.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return s
  }

  func thiefCount(_ a: AttackConfig) throws -> Int {
    guard let t = a.params["thiefcount"] else { return 2000 }
    guard let n = Int(t), n > 0 else { throw GauntletError.invalidArgument(name: "thiefCount", detail: "must be an integer > 0, got '\(t)'") }
    return n
  }

  public func validate(_ a: AttackConfig) -> [String] {
    for k in ["budget", "seed"] where a.params[k] != nil {
      return ["params.\(k): give '\(k)s' at the entry's top level instead"]
    }
    do {
      _ = try spec(a, budget: a.budgets.max() ?? 1, seed: a.seeds.first ?? 0)
      _ = try source(a)
      _ = try thiefCount(a)
    } catch { return ["\(error)"] }
    return []
  }

  public func variants(_ a: AttackConfig) -> [CellVariant] {
    a.budgets.sorted().flatMap { b in a.seeds.map { CellVariant(eps: nil, budget: b, seed: $0) } }
  }

  public func run(_ a: AttackConfig, _ v: CellVariant, context: CellContext) throws -> CellOutcome {
    let s = try spec(a, budget: v.budget ?? 1000, seed: v.seed)
    let train = context.victim.train, test = context.victim.test
    let thief = try ThiefData.make(source(a), domain: train.features, featureCount: train.featureCount,
                                   count: thiefCount(a), box: 0...1, seed: v.seed)
    let evaluation = try ExtractionEvaluation(victim: context.victim.model, testInputs: test.features, testLabels: test.labels,
                                              box: 0...1, uniformSamples: 500, transferSamples: a.samples, seed: v.seed)
    let run = try Extraction.steal(context.oracle().session(client: "thief"), spec: s, thief: thief, evaluation: evaluation)
    let r = run.result
    var metrics: [String: Double] = ["queries": Double(r.queries), "budget": Double(r.budget), "rounds": Double(r.rounds)]
    if let m = r.metrics {
      metrics["fidelity"] = m.fidelityTest
      metrics["fidelityUniform"] = m.fidelityUniform
      metrics["accuracy"] = m.testAccuracy
      metrics["victimAccuracy"] = m.victimTestAccuracy
      metrics["transferSuccess"] = m.transfer.victimSuccess
    }
    if let d = r.queriesToDetection { metrics["queriesToDetection"] = Double(d) }
    return CellOutcome(spec: s.text, metrics: metrics, rows: r.queries)
  }
}
