import Foundation
import Testing
import Gauntlet

/// Every attack kind through its adapter, on every backend: ε-ball and input box respected, budgets
/// respected, the victim's data not mutated, metrics in range.
@Suite("Attack adapters", .serialized)
struct AdapterInvariantTests {
  /// One small entry per registered kind (and per threat model inside a kind).
  static let entries: [AttackConfig] = [
    AttackConfig(attack: "square", kind: "score", eps: [0.3], budgets: [20, 60], samples: 4),
    AttackConfig(attack: "nes", kind: "score", params: ["q": "5"], eps: [0.3], budgets: [100], samples: 3),
    AttackConfig(attack: "pgd", kind: "evasion", params: ["steps": "5"], eps: [0.2], budgets: [], samples: 4),
    AttackConfig(attack: "apgd", kind: "evasion", params: ["steps": "5"], eps: [0.2], budgets: [], samples: 4),
    AttackConfig(attack: "hsj", kind: "evasion", eps: [1.0], budgets: [150], samples: 3),
    AttackConfig(attack: "knockoff", kind: "extraction", params: ["epochs": "3"], budgets: [120], samples: 10),
  ]

  static let victims: [String: VictimContext] = {
    var out: [String: VictimContext] = [:]
    for name in EvalFixtures.backendNames {
      guard let b = try? EvalFixtures.provider(name) else { continue }
      let train = try! Datasets.digitsTrainTest()
      let model = try! ModelSpec(parsing: "mlp:64-32-10").build(on: b, seed: 1)
      _ = try! GauntletModels.train(model: model, on: b, dataset: train.train, epochs: 2, batchSize: 32, seed: 1,
                                    optimizer: try! Adam(learningRate: 2e-3), quiet: true)
      out[name] = try! VictimContext(backendName: name, model: model, train: train.train, test: train.test)
    }
    return out
  }()

  @Test("invariants on every backend", arguments: entries)
  func invariants(_ entry: AttackConfig) throws {
    let adapter = try #require(AttackRegistry.adapter(kind: entry.kind))
    #expect(adapter.validate(entry).isEmpty, "\(adapter.validate(entry))")
    for name in EvalFixtures.backendNames {
      let victim = try #require(Self.victims[name], "backend \(name) unavailable")
      let before = victim.test.features
      for v in adapter.variants(entry) {
        let defenses = adapter.throughOracle(entry.attack) ? ["none", "round:1"] : ["none"]
        for d in defenses {
          let out = try adapter.run(entry, v, context: CellContext(victim: victim, defense: d, outputMode: .probabilities, imageSamples: 2))
          let m = out.metrics
          for k in ["successRate", "trueSuccessRate", "robustAccuracy", "fidelity", "accuracy"] {
            if let x = m[k] { #expect((0...1).contains(x), "\(k) = \(x) on \(name)") }
          }
          // L∞ ε-ball for the L∞ attacks (score attacks and FGSM/PGD/BIM/APGD); decision attacks are L2.
          let ball = adapter.epsilon(entry.attack) == .required
            && (entry.kind == "score" || EvasionAttackAdapter.linfByDefault.contains(entry.attack))
          if ball, let eps = v.eps, let linf = m["medianLinf"] { #expect(linf <= eps + 1e-5, "\(entry.attack) on \(name): L∞ \(linf) > ε \(eps)") }
          if let b = entry.budgets.max() {
            if let q = m["medianQueries"] { #expect(q <= Double(b)) }
            if let q = m["queries"] { #expect(q <= Double(v.budget ?? b)) }
          }
          if let imgs = out.images {
            for (o, a) in zip(imgs.originals, imgs.adversarials) {
              #expect(a.allSatisfy { (0...1).contains($0) })
              if ball, let eps = v.eps { #expect(zip(o, a).allSatisfy { abs($0 - $1) <= Float(eps) + 1e-5 }) }
            }
          }
          #expect(out.rows > 0)
          if entry.kind == "extraction" { #expect(m["fidelity"] != nil && (m["queries"] ?? 0) > 0) }
          if !adapter.throughOracle(entry.attack) { #expect(d == "none") }
        }
      }
      #expect(victim.test.features == before, "the victim's test data was modified")
    }
  }
}
