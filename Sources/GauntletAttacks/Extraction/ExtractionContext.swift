import Foundation
import GauntletCore
import GauntletModels
import GauntletOracle

/// Sign of `v` (0 for 0).
@inline(__always) func sgn(_ v: Float) -> Float { v > 0 ? 1 : v < 0 ? -1 : 0 }

/// A seeded host random stream on Philox (the same numbers on every machine).
struct PhiloxStream: RandomNumberGenerator {
  let key: PhiloxKey
  var block: UInt64 = 0
  init(seed: UInt64, stream: UInt64) { key = PhiloxKey(seed: seed, stream: stream) }
  mutating func next() -> UInt64 {
    let w = Philox.block(counter: (block, key.stream), key: key)
    block += 1
    return UInt64(w.0) << 32 | UInt64(w.1)
  }
  /// `count` standard normal values.
  mutating func normals(_ count: Int) -> [Float] {
    let c = next()
    return Philox.fill(.normal(mean: 0, std: 1), key: key.derived(c), counter: 0, count: count)
  }
}

/// What every extraction attack works with: the ledger (the only way to the oracle), the thief's
/// pool, the substitute being trained, options and a seeded random stream.
final class ExtractionContext {
  let ledger: ThiefLedger
  let thief: ThiefData
  let options: ExtractionOptions
  let substitute: Sequential
  let box: ClosedRange<Float>
  let classCount: Int
  let featureCount: Int
  var rng: PhiloxStream
  var trainSeconds: Double = 0
  var rounds = 0

  init(ledger: ThiefLedger, thief: ThiefData, options: ExtractionOptions, substitute: Sequential, box: ClosedRange<Float>) {
    self.ledger = ledger; self.thief = thief; self.options = options; self.substitute = substitute; self.box = box
    self.classCount = ledger.classCount; self.featureCount = ledger.featureCount
    self.rng = PhiloxStream(seed: options.seed, stream: 0xE7_7AC7)
  }

  /// Trains the substitute on the whole transcript (warm start from its current weights).
  func train(epochs: Int? = nil, minimumSteps: Int = 600) throws {
    let t0 = ContinuousClock.now
    rounds += 1
    try SubstituteTraining.fit(substitute, inputs: ledger.inputs, targets: ledger.targets, options: options,
                               epochs: epochs, minimumSteps: min(minimumSteps, options.minimumSteps), round: UInt64(rounds))
    trainSeconds += seconds(since: t0)
  }

  /// A seeded permutation of the thief pool.
  func shuffledPool() -> [Int] {
    Shuffle.permutation(count: thief.count, key: PhiloxKey(seed: options.seed, stream: 0x5EED).derived(UInt64(rounds))).map(Int.init)
  }

  /// Clamps into the input box.
  func clamp(_ x: inout [Float]) {
    for i in x.indices { x[i] = min(max(x[i], box.lowerBound), box.upperBound) }
  }

  /// Substitute softmax rows on host rows.
  func substituteProbabilities(_ rows: [Float]) throws -> [Float] {
    SubstituteTraining.softmax(try SubstituteTraining.logits(substitute, rows), classCount: classCount)
  }

  /// ∂(Σ_r w_r · z)/∂x of the substitute: input gradient for per-row weights `w` over logits.
  func substituteInputGradient(_ rows: [Float], gradLogits: [Float]) throws -> [Float] {
    let n = rows.count / featureCount
    let x = try Tensor(rows, shape: [n] + substitute.inputShape, on: substitute.backend)
    return try substitute.inputGradient(x, gradLogits: try Tensor(gradLogits, shape: [n, classCount], on: substitute.backend)).toArray()
  }
}
