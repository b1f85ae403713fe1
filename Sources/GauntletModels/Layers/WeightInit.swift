import GauntletCore

/// Weight initialization schemes, drawn on the device from Philox so that a seed gives the same
/// model on every backend. Biases start at zero.
public enum WeightInit: String, Sendable, Hashable, Codable {
  /// He et al., "Delving Deep into Rectifiers" (ICCV 2015): normal, std `sqrt(2 / fanIn)`.
  /// Used for layers followed by ReLU / LeakyReLU.
  case he
  /// Glorot & Bengio, "Understanding the difficulty of training deep feedforward neural networks"
  /// (AISTATS 2010): uniform on `±sqrt(6 / (fanIn + fanOut))`. Used otherwise.
  case glorot

  func fill(_ buffer: DeviceBuffer, count: Int, fanIn: Int, fanOut: Int, key: PhiloxKey,
            on backend: Backend) throws {
    switch self {
    case .he:
      let std = (2 / Float(max(fanIn, 1))).squareRoot()
      try backend.random(.normal(mean: 0, std: std), key: key, counter: 0, into: buffer, count: count)
    case .glorot:
      let a = (6 / Float(max(fanIn + fanOut, 1))).squareRoot()
      try backend.random(.uniform(lo: -a, hi: a), key: key, counter: 0, into: buffer, count: count)
    }
  }
}
