import Foundation
import GauntletCore
import GauntletOracle

/// One line of the white-box vs black-box comparison.
public struct ComparisonRow: Sendable, Codable {
  /// The spec text the attack was built from.
  public var spec: String
  public var family: EvasionFamily
  public var summary: AttackSummary
  /// Transfer attacks only: victim fooled ÷ substitute fooled.
  public var transferRate: Double?
  /// Transfer attacks only: the crafting attack's summary on the substitute.
  public var substitute: AttackSummary?
}

/// The white-box vs black-box comparison: every attack on the same victim, the same points and the
/// same ε / query budget, one row each. White-box attacks get the model; score-based ones an oracle
/// revealing probabilities; decision-based and transfer ones a label-only oracle (a fresh oracle
/// per attack, so ledgers do not mix).
///
/// ```swift
/// let specs = AttackComparison.defaultSpecs(epsilon: 0.1, epsilonL2: 1, queries: 1_000)
/// let rows = try AttackComparison.run(specs, victim: model, inputs: x, labels: y, substitute: stolen)
/// print(AttackComparison.table(rows))
/// ```
public enum AttackComparison {
  /// One attack of each family at L∞ radius `epsilon`, L2 radius `epsilonL2` and a per-sample
  /// budget of `queries` for the black-box ones (`transfer` only when `withTransfer`).
  public static func defaultSpecs(epsilon: Float, epsilonL2: Float, queries: Int, withTransfer: Bool = true) -> [String] {
    var s = [
      "fgsm:eps=\(epsilon)",
      "pgd:eps=\(epsilon),steps=40,norm=linf",
      "pgd:eps=\(epsilonL2),steps=40,norm=l2",
      "cw:steps=100,c=1,search=5,lr=0.05,eps=\(epsilonL2)",
      "deepfool:eps=\(epsilonL2)",
      "square:eps=\(epsilon),queries=\(queries)",
      "hsj:norm=l2,queries=\(queries),eps=\(epsilonL2)",
      "hsj:norm=linf,queries=\(queries),eps=\(epsilon)",
      "boundary:queries=\(queries),eps=\(epsilonL2)",
      "signopt:queries=\(queries),eps=\(epsilonL2)",
    ]
    if withTransfer { s.append("transfer:attack=pgd,eps=\(epsilon),steps=40") }
    return s
  }

  /// The configurations `bench/peers/art_evasion.py` matches with ART, keyed as the script keys them.
  /// Minimal-perturbation attacks run without `eps` (to their full budget, as ART's do); the script
  /// scores success within ε on both sides from the per-sample norms.
  public static func peerSpecs(epsilon: Float, queries: Int) -> [(key: String, spec: String)] {
    [
      ("fgsm", "fgsm:eps=\(epsilon)"),
      ("pgd", "pgd:eps=\(epsilon),steps=40,norm=linf"),
      ("cw", "cw:steps=100,c=1,search=5,lr=0.05"),
      ("deepfool", "deepfool:steps=50,overshoot=0.02"),
      ("hsj-l2", "hsj:norm=l2,queries=\(queries)"),
      ("hsj-linf", "hsj:norm=linf,queries=\(queries)"),
      ("boundary", "boundary:queries=\(queries)"),
      ("signopt", "signopt:queries=\(queries),k=50"),
    ]
  }

  /// Runs every spec on `victim` (on the victim's backend) and returns one row each.
  public static func run(_ specs: [String], victim: any DifferentiableModel, inputs: Tensor, labels: [Int32],
                         bounds: ClosedRange<Float> = 0...1, surrogate: (any DifferentiableModel)? = nil,
                         substitute: (any DifferentiableModel)? = nil,
                         progress: ((ComparisonRow) -> Void)? = nil) throws -> [ComparisonRow] {
    var rows = [ComparisonRow]()
    for spec in specs {
      let attack = try EvasionAttackSpec.parse(spec, surrogate: surrogate, substitute: substitute)
      let mode: OutputMode = attack.family == .scoreBased ? .probabilities : .label
      let oracle = try Oracle(model: victim, configuration: OracleConfiguration(mode: mode, inputBounds: bounds))
      let session = oracle.session(client: spec)
      var row: ComparisonRow
      if case let .transfer(t) = attack {
        let r = try t.run(session, inputs: inputs, labels: labels)
        row = ComparisonRow(spec: spec, family: .transfer, summary: r.run.summary, transferRate: r.transferRate, substitute: r.substitute)
      } else {
        let r = try attack.run(inputs: inputs, labels: labels, model: victim, oracle: session, bounds: bounds)
        row = ComparisonRow(spec: spec, family: attack.family, summary: r.summary, transferRate: nil, substitute: nil)
      }
      progress?(row)
      rows.append(row)
    }
    return rows
  }

  /// The table header and one line per row.
  public static func table(_ rows: [ComparisonRow]) -> String {
    var out = pad("attack", 52) + pad("family", 15) + pad("backend", 26)
      + ["success", "med L2", "med L∞", "med q/grad", "wall s", "samples/s"].map { lpad($0, 11) }.joined() + "\n"
    for r in rows {
      let s = r.summary
      out += pad(s.attack, 52) + pad(r.family.rawValue, 15) + pad(s.backend, 26)
      out += lpad(String(format: "%.1f%%", s.successRate * 100), 11) + lpad(String(format: "%.4f", s.medianL2), 11)
      out += lpad(String(format: "%.4f", s.medianLinf), 11) + lpad(String(format: "%.0f", s.medianQueries), 11)
      out += lpad(String(format: "%.3f", s.seconds), 11) + lpad(String(format: "%.1f", s.samplesPerSecond), 11)
      if let t = r.transferRate { out += String(format: "  (transfer rate %.1f%%)", t * 100) }
      out += "\n"
    }
    return out
  }

  static func pad(_ s: String, _ w: Int) -> String {
    s.count >= w ? String(s.prefix(w - 1)) + " " : s + String(repeating: " ", count: w - s.count)
  }
  static func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? " " + s : String(repeating: " ", count: w - s.count) + s }
}
