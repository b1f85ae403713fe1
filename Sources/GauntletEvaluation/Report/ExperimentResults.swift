/// The content of `results.json`: the experiment, where it ran, and every cell with every metric,
/// in plan order. Only `environment` and each cell's `timing` vary between runs of the same
/// experiment on the same machine.
public struct ExperimentResults: Sendable, Codable {
  public var experiment: ExperimentConfig
  public var environment: RunEnvironment
  public var cells: [CellResult]

  public init(experiment: ExperimentConfig, environment: RunEnvironment, cells: [CellResult]) {
    self.experiment = experiment; self.environment = environment; self.cells = cells
  }

  /// Attack cells on `backend` (all backends when nil).
  func attackCells(backend: String? = nil) -> [CellResult] {
    cells.filter { $0.cell.attackIndex != nil && (backend == nil || $0.cell.backend == backend) }
  }

  func costCell(defense: String, backend: String) -> CellResult? {
    cells.first { $0.cell.kind == "cost" && $0.cell.defense == defense && $0.cell.backend == backend }
  }

  /// The backend whose cells the quality charts show (the first in the configuration).
  var mainBackend: String { experiment.backends.first ?? "cpu" }

  static func mean(_ xs: [Double]) -> Double? { xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count) }
}
