import GauntletCore
import GauntletModels

/// The parameters an exact extraction recovered: softmax regression (no hidden layer) or a
/// one-hidden-layer ReLU network `z = A·relu(W·x + b) + c`. Logits are recovered in the softmax
/// gauge: each output row is centered over classes (the per-row constant a softmax hides).
///
/// ```swift
/// let stolen = try report.network.makeModel(inputShape: [64], on: backend)   // a Sequential
/// ```
public struct ExtractedNetwork: Codable, Sendable, Hashable {
  public var inputCount: Int
  public var classCount: Int
  /// `[hidden, inputCount]` row-major, empty without a hidden layer.
  public var hiddenWeights: [Float]
  /// `[hidden]`, empty without a hidden layer.
  public var hiddenBiases: [Float]
  /// `[classCount, hidden]` (or `[classCount, inputCount]` without a hidden layer), row-major.
  public var outputWeights: [Float]
  /// `[classCount]`.
  public var outputBiases: [Float]

  public init(inputCount: Int, classCount: Int, hiddenWeights: [Float] = [], hiddenBiases: [Float] = [],
              outputWeights: [Float], outputBiases: [Float]) {
    self.inputCount = inputCount; self.classCount = classCount
    self.hiddenWeights = hiddenWeights; self.hiddenBiases = hiddenBiases
    self.outputWeights = outputWeights; self.outputBiases = outputBiases
  }

  /// Hidden units (0 for softmax regression).
  public var hiddenWidth: Int { hiddenBiases.count }

  /// `mlp:<inputs>-<hidden>-<classes>` or `mlp:<inputs>-<classes>`.
  public var architecture: String {
    hiddenWidth > 0 ? "mlp:\(inputCount)-\(hiddenWidth)-\(classCount)" : "mlp:\(inputCount)-\(classCount)"
  }

  /// Host logits (Double) of row-major `rows`, `classCount` per row.
  public func logits(_ rows: [Float]) -> [Double] {
    let d = inputCount, K = classCount, h = hiddenWidth
    let n = rows.count / d
    var out = [Double](repeating: 0, count: n * K)
    let width = h > 0 ? h : d
    var hidden = [Double](repeating: 0, count: width)
    for r in 0..<n {
      if h > 0 {
        for i in 0..<h {
          var s = Double(hiddenBiases[i])
          for j in 0..<d { s += Double(hiddenWeights[i * d + j]) * Double(rows[r * d + j]) }
          hidden[i] = Swift.max(0, s)
        }
      } else {
        for j in 0..<d { hidden[j] = Double(rows[r * d + j]) }
      }
      for k in 0..<K {
        var s = Double(outputBiases[k])
        for i in 0..<width { s += Double(outputWeights[k * width + i]) * hidden[i] }
        out[r * K + k] = s
      }
    }
    return out
  }

  /// Builds the network as a `Sequential` on `backend` (`dense → relu → dense`, or one `dense`),
  /// ready for an oracle, fidelity checks or transfer attacks.
  public func makeModel(inputShape: [Int], on backend: Backend) throws -> Sequential {
    guard inputShape.reduce(1, *) == inputCount else {
      throw GauntletError.shapeMismatch(operation: "ExtractedNetwork.makeModel",
                                        detail: "input shape \(inputShape) does not hold \(inputCount) features")
    }
    let layers: [LayerSpec] = hiddenWidth > 0
      ? [.dense(units: hiddenWidth), .relu, .dense(units: classCount)]
      : [.dense(units: classCount)]
    let model = try ModelSpec(inputShape: inputShape, layers: layers).build(on: backend, seed: 0)
    let dense = model.layers.compactMap { $0 as? Dense }
    if hiddenWidth > 0 {
      try dense[0].weight.load(hiddenWeights); try dense[0].bias.load(hiddenBiases)
      try dense[1].weight.load(outputWeights); try dense[1].bias.load(outputBiases)
    } else {
      try dense[0].weight.load(outputWeights); try dense[0].bias.load(outputBiases)
    }
    return model
  }
}

/// Uniform random rows in a box, from a Philox stream (host side, reproducible).
struct BoxSampler {
  var rng: HostRandom
  let lo: Float, hi: Float, d: Int

  init(seed: UInt64, stream: UInt64, bounds: ClosedRange<Float>, d: Int) {
    rng = HostRandom(key: PhiloxKey(seed: seed).derived(stream))
    lo = bounds.lowerBound; hi = bounds.upperBound; self.d = d
  }

  /// `n` uniform rows, row-major.
  mutating func uniform(_ n: Int) -> [Float] {
    var out = [Float](repeating: 0, count: n * d)
    for i in 0..<(n * d) { out[i] = Swift.min(hi, lo + (hi - lo) * rng.unit()) }
    return out
  }

  /// One random vertex of the box, each coordinate at the upper bound with probability `density`.
  mutating func vertex(density: Float = 0.5) -> [Float] { (0..<d).map { _ in rng.unit() < density ? hi : lo } }
}
