import Foundation
import GauntletCore
import GauntletModels

/// Shared checks and bookkeeping of the hardened training procedures.
enum HardenedTraining {
  static func check(_ model: Sequential, _ data: TrainingSet, _ o: TrainingOptions) throws {
    guard o.epochs >= 0, o.batchSize > 0 else {
      throw GauntletError.invalidArgument(name: "epochs/batchSize", detail: "need epochs ≥ 0 and batchSize > 0, got \(o.epochs), \(o.batchSize)")
    }
    guard data.backend === model.backend else {
      throw GauntletError.foreignBuffer(operation: "hardened training", expected: model.backend.name, got: data.backend.name)
    }
    guard data.classCount == model.classCount, data.inputs.cols == model.inputShape.reduce(1, *) else {
      throw GauntletError.shapeMismatch(operation: "hardened training",
                                        detail: "data \(data.sampleShape) → \(data.classCount) classes does not fit model \(model.inputShape) → \(model.classCount)")
    }
  }

  static func record(epoch: Int, loss: Double, model: Sequential, validation: TrainingSet?,
                     since started: ContinuousClock.Instant) throws -> HardeningHistory.Epoch {
    let val = try validation.map { try evaluate(model: model, on: $0) }
    let e = ContinuousClock.now - started
    return HardeningHistory.Epoch(epoch: epoch, trainLoss: loss, validationLoss: val?.loss, validationAccuracy: val?.accuracy,
                                  seconds: Double(e.components.seconds) + Double(e.components.attoseconds) * 1e-18)
  }
}

/// Per-epoch numbers of a hardened training run (the fields of `TrainingHistory`, whose
/// initializers are internal to `GauntletModels`).
public struct HardeningHistory: Sendable, Codable, Hashable {
  public struct Epoch: Sendable, Codable, Hashable {
    public let epoch: Int
    /// Mean training loss over the epoch (on the adversarial or softened batches).
    public let trainLoss: Double
    public let validationLoss: Double?
    /// Clean validation accuracy.
    public let validationAccuracy: Double?
    public let seconds: Double
  }
  public var epochs: [Epoch] = []
  public init() {}
  public var finalValidationAccuracy: Double? { epochs.last?.validationAccuracy }
}
