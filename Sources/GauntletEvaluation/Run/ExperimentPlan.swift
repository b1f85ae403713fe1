/// The experiment's full matrix of cells, in a fixed order: for each backend, each defense's
/// honest-user cost, then each attack entry's settings against each defense (white-box attacks
/// once, against `none`).
public struct ExperimentPlan: Sendable, Codable, Hashable {
  public var cells: [PlannedCell]

  public init(_ config: ExperimentConfig) {
    var cells: [PlannedCell] = []
    for backend in config.backends {
      for d in config.defenses {
        cells.append(PlannedCell(kind: "cost", backend: backend, defense: d, attackIndex: nil, attackLabel: nil, variant: nil))
      }
      for (i, a) in config.attacks.enumerated() {
        guard let adapter = AttackRegistry.adapter(kind: a.kind) else { continue }
        let defenses = adapter.throughOracle(a.attack) ? config.defenses : ["none"]
        for d in defenses {
          for v in adapter.variants(a) {
            cells.append(PlannedCell(kind: a.kind, backend: backend, defense: d, attackIndex: i, attackLabel: a.label, variant: v))
          }
        }
      }
    }
    self.cells = cells
  }

  /// The cells of one shard.
  public func slice(_ shard: ShardSpec) -> [PlannedCell] {
    cells.enumerated().filter { shard.contains(position: $0.offset) }.map(\.element)
  }
}
