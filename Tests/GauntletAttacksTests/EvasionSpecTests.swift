import Foundation
import Testing
import Gauntlet

/// `EvasionAttackSpec` parsing and the one entry point (`EvasionAttack.run`) for every family,
/// and the transfer attack on every backend.
@Suite struct EvasionSpecTests {
  @Test func specsParseIntoTheRightFamilies() throws {
    let sub = try Fixtures.surrogate(on: Fixtures.cpu)
    let cases: [(String, EvasionFamily, String)] = [
      ("fgsm:eps=0.1", .whiteBox, "fgsm-linf(ε=0.1)"),
      ("fgsm:eps=0.5,norm=l2", .whiteBox, "fgsm-l2(ε=0.5)"),
      ("pgd:eps=0.1,steps=40,norm=linf", .whiteBox, "pgd-linf(ε=0.1,steps=40,α=0.00625)"),
      ("bim:eps=0.1,steps=10,step=0.02", .whiteBox, "bim-linf(ε=0.1,steps=10,α=0.02)"),
      ("apgd:eps=0.1,steps=50", .whiteBox, "apgd-ce-linf(ε=0.1,steps=50)"),
      ("cw:steps=100,c=1,search=5", .whiteBox, "cw-l2(c=1.0,κ=0.0,lr=0.01,steps=100,search=5)"),
      ("deepfool", .whiteBox, "deepfool-l2(steps=50,overshoot=0.02)"),
      ("hsj:norm=l2,queries=1000", .decisionBased, "hsj-l2(q=1000)"),
      ("hsj:norm=linf,queries=500,eps=0.1", .decisionBased, "hsj-linf(q=500,ε=0.1)"),
      ("boundary:queries=1000", .decisionBased, "boundary-l2(q=1000,trials=5)"),
      ("signopt:queries=1000,k=30", .decisionBased, "signopt-l2(q=1000,k=30)"),
      ("square:eps=0.1,queries=500", .scoreBased, "square-linf(ε=0.1,q=500,p=0.3)"),
      ("transfer:attack=pgd,eps=0.1,steps=10", .transfer, "transfer[pgd-linf(ε=0.1,steps=10,α=0.025)]"),
    ]
    for (text, family, name) in cases {
      let a = try EvasionAttackSpec.parse(text, substitute: sub)
      #expect(a.family == family, "\(text)")
      #expect(a.name == name, "\(text)")
    }
    #expect(try EvasionAttackSpec.parseList("fgsm:eps=0.1; hsj:queries=100 ;deepfool").count == 3)
  }

  @Test func badSpecsAreTypedErrors() throws {
    for text in ["nope", "fgsm", "fgsm:eps=0", "fgsm:eps=abc", "pgd:eps=0.1,steps=0", "pgd:eps=0.1,foo=1",
                 "cw:c=-1", "hsj:norm=l3", "hsj:queries=0", "boundary:step=2", "signopt:k=0", "fgsm:eps",
                 "transfer:attack=hsj", "transfer:attack=pgd,eps=0.1", "deepfool:eps=-1"] {
      #expect(throws: GauntletError.self, "\(text)") { try EvasionAttackSpec.parse(text) }
    }
    #expect(throws: GauntletError.self) { try EvasionAttackSpec.parseList(" ; ") }
  }

  @Test func oneEntryPointRunsEveryFamily() throws {
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(6, on: be)
    let model = try Fixtures.victim(on: be)
    let oracle = try Fixtures.oracle(on: be)
    let sub = try Fixtures.surrogate(on: be)
    for text in ["fgsm:eps=0.2", "pgd:eps=0.1,steps=10", "deepfool", "hsj:queries=200,evals=20", "square:eps=0.2,queries=100",
                 "transfer:attack=fgsm,eps=0.2"] {
      let attack = try EvasionAttackSpec.parse(text, substitute: sub)
      let run = try attack.run(inputs: x, labels: y, model: model, oracle: oracle.session(client: text))
      #expect(run.samples.count == 6, "\(text)")
      #expect(run.summary.attack == attack.name, "\(text)")
    }
    let pgd = try EvasionAttackSpec.parse("pgd:eps=0.1")
    #expect(throws: GauntletError.self) { try pgd.run(inputs: x, labels: y, oracle: oracle.session(client: "a")) }
    let hsj = try EvasionAttackSpec.parse("hsj")
    #expect(throws: GauntletError.self) { try hsj.run(inputs: x, labels: y, model: model) }
    #expect(pgd.needsModel && !hsj.needsModel)
  }

  @Test func comparisonGivesOneRowPerAttack() throws {
    let be = Fixtures.cpu
    let (x, y) = try Fixtures.points(5, on: be)
    let specs = ["fgsm:eps=0.2", "square:eps=0.2,queries=50", "hsj:queries=100,evals=10,eps=2", "transfer:attack=fgsm,eps=0.2"]
    let rows = try AttackComparison.run(specs, victim: Fixtures.victim(on: be), inputs: x, labels: y,
                                        substitute: Fixtures.surrogate(on: be))
    #expect(rows.map(\.spec) == specs)
    #expect(rows.map(\.family) == [.whiteBox, .scoreBased, .decisionBased, .transfer])
    #expect(rows[3].transferRate != nil && rows[0].transferRate == nil)
    #expect(rows.allSatisfy { $0.summary.samples == 5 })
    let table = AttackComparison.table(rows)
    #expect(table.split(separator: "\n").count == 5)
    #expect(AttackComparison.defaultSpecs(epsilon: 0.1, epsilonL2: 1, queries: 500).allSatisfy { (try? EvasionAttackSpec.parse($0, substitute: Fixtures.surrogate(on: be))) != nil })
    #expect(AttackComparison.peerSpecs(epsilon: 0.1, queries: 500).allSatisfy { (try? EvasionAttackSpec.parse($0.spec)) != nil })
  }

  @Test func transferOnEveryBackend() throws {
    for be in Fixtures.backends {
      let (x, y) = try Fixtures.points(20, on: be)
      let oracle = try Fixtures.oracle(on: be, mode: .label)
      let transfer = TransferAttack(attack: try PGDAttack(epsilon: 0.2, steps: 10), substitute: try Fixtures.surrogate(on: be))
      let before = try x.toArray()
      let t = try transfer.run(oracle.session(client: "t"), inputs: x, labels: y)
      let tag = Comment(rawValue: be.name)
      #expect(try x.toArray() == before, tag)
      #expect(oracle.usage(of: "t").answered.successCheck == 20 && oracle.usage(of: "t").answered.loss == 0, tag)
      #expect(t.run.samples.allSatisfy { $0.totalQueries == 1 && $0.linf <= 0.2 * (1 + 1e-5) }, tag)
      #expect(t.transferRate > 0.3 && t.transferRate <= 1, "\(tag): \(t.transferRate)")
      #expect(t.substitute.successRate >= 0.9, tag)
      let check = try oracle.query(t.run.samples.flatMap(\.adversarial), client: "v")
      for s in t.run.samples { #expect(s.success == (check.labels[s.index] != y[s.index]), tag) }
    }
  }
}
