import GauntletCore
import GauntletOracle

/// One device of a simulated deployment: the victim on that device's backend and the defense
/// chain prepared for it. Several devices serve one simulation; each answers a share of every
/// batch, so they must hold the same model (`Sequential.load(model.gmodel(), on:)`) and chain.
public final class SimulationDevice: @unchecked Sendable {
  // Safe: immutable after init; the model and chain are themselves thread-safe for inference.
  public let model: Classifier
  public let chain: DefenseChain
  public var backend: Backend { model.backend }

  public init(model: Classifier, chain: DefenseChain = DefenseChain()) throws {
    self.model = model; self.chain = chain
    try chain.prepare(DefenseSetup(backend: model.backend, classCount: model.classCount, inputShape: model.inputShape))
  }
}
