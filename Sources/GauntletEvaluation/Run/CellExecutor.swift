import Foundation
import GauntletCore
import GauntletDefenses
import GauntletOracle

/// Runs one planned cell and times it: a defense's honest-user cost (`UtilityCost`), or an attack
/// cell through its kind's adapter.
enum CellExecutor {
  static func run(_ cell: PlannedCell, config: ExperimentConfig, victim: VictimContext) throws -> CellResult {
    let mode = try OutputMode(parsing: config.output)
    let context = CellContext(victim: victim, defense: cell.defense, outputMode: mode, imageSamples: config.images)
    let start = ContinuousClock.now
    if let i = cell.attackIndex, let variant = cell.variant {
      let a = config.attacks[i]
      guard let adapter = AttackRegistry.adapter(kind: a.kind) else {
        throw GauntletError.invalidArgument(name: "attack", detail: "no adapter for kind '\(a.kind)' in this build")
      }
      let out = try adapter.run(a, variant, context: context)
      return CellResult(cell: cell, attack: a.label, spec: out.spec, device: victim.backend.name, metrics: out.metrics,
                        curve: out.curve, images: out.images,
                        timing: .init(seconds: (ContinuousClock.now - start).seconds, rows: out.rows))
    }
    let test = victim.test
    let n = min(config.costSamples ?? test.count, test.count)
    let F = test.featureCount
    let cost = try UtilityCost.measure(model: victim.model, defenses: context.defenseChain(),
                                       inputs: Array(test.features[0..<(n * F)]), labels: Array(test.labels[0..<n]), mode: mode)
    let metrics: [String: Double] = [
      "samples": Double(n), "cleanAccuracy": cost.cleanAccuracy, "defendedAccuracy": cost.defendedAccuracy,
      "accuracyDrop": cost.accuracyDrop, "labelChangeRate": cost.labelChangeRate, "meanL1": cost.meanL1, "meanKL": cost.meanKL,
    ]
    return CellResult(cell: cell, attack: nil, spec: try context.defenseChain().redactedSpec, device: victim.backend.name,
                      metrics: metrics, curve: [], images: nil,
                      timing: .init(seconds: (ContinuousClock.now - start).seconds, rows: n))
  }
}
