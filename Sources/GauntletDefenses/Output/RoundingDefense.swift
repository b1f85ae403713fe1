import GauntletCore
import GauntletOracle

/// Rounds each probability to `decimals` decimal places (half away from zero), as suggested as a
/// countermeasure by Tramèr et al., "Stealing Machine Learning Models via Prediction APIs"
/// (USENIX Security 2016, §8). Rows may no longer sum exactly to 1 and ties may appear (the label
/// is the lowest tied index), so argmax is not promised.
///
/// Spec: `round:<decimals>` / `round:decimals=2`. One backend row op.
public struct RoundingDefense: OutputDefense {
  public let decimals: Int

  public init(decimals: Int) throws {
    guard (0...8).contains(decimals) else {
      throw GauntletError.invalidArgument(name: "round.decimals", detail: "must be in 0…8, got \(decimals)")
    }
    self.decimals = decimals
  }

  public var spec: String { "round:decimals=\(decimals)" }

  public func apply(to batch: inout DefenseBatch) throws {
    let p = try batch.probabilities()
    let out = try batch.backend.makeBuffer(count: batch.count)
    try batch.backend.rows(.round(decimals: decimals), p.buffer, into: out, rows: batch.rows, cols: batch.classCount)
    try batch.setProbabilities(DefenseMath.tensor(out, batch.rows, batch.classCount, batch.backend))
  }
}
