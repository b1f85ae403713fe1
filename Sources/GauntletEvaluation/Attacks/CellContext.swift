import GauntletCore
import GauntletData
import GauntletDefenses
import GauntletModels
import GauntletOracle

/// Everything one cell may use: the victim on the cell's backend, the defense chain spec in front
/// of it, the oracle's output mode, the data, and how many image samples to keep.
public struct CellContext: Sendable {
  public let victim: VictimContext
  /// Defense chain spec (`none` for none).
  public let defense: String
  public let outputMode: OutputMode
  public let imageSamples: Int

  public var backend: Backend { victim.backend }

  public init(victim: VictimContext, defense: String, outputMode: OutputMode, imageSamples: Int) {
    self.victim = victim; self.defense = defense; self.outputMode = outputMode; self.imageSamples = imageSamples
  }

  /// Defenses keyed with a fixed secret; `mad` uses the victim as the defender's surrogate.
  public func defenseChain() throws -> DefenseChain {
    try DefenseChain(parsing: defense, context: DefenseContext(surrogate: victim.model, key: 0x6A57))
  }

  /// A fresh oracle deploying the victim behind the cell's defense chain, inputs bounded to [0, 1].
  public func oracle(budget: QueryBudget = .unlimited, mode: OutputMode? = nil) throws -> Oracle {
    try Oracle(model: victim.model, configuration: OracleConfiguration(
      mode: mode ?? outputMode, defenses: defenseChain(), budget: budget, inputBounds: 0...1))
  }
}
