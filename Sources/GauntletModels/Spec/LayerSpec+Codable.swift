import GauntletCore

extension LayerSpec: Codable {
  private enum Key: String, CodingKey {
    case type, units, filters, kernel, stride, padding, size, slope, rate
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: Key.self)
    let type = try c.decode(String.self, forKey: .type).lowercased()
    switch type {
    case "dense", "linear":
      self = .dense(units: try c.decode(Int.self, forKey: .units))
    case "conv2d", "conv":
      self = .conv2d(filters: try c.decode(Int.self, forKey: .filters),
                     kernel: try c.decode(Int.self, forKey: .kernel),
                     stride: try c.decodeIfPresent(Int.self, forKey: .stride) ?? 1,
                     padding: try c.decodeIfPresent(Int.self, forKey: .padding) ?? 0)
    case "maxpool", "maxpool2d", "avgpool", "avgpool2d":
      let size = try c.decode(Int.self, forKey: .size)
      let stride = try c.decodeIfPresent(Int.self, forKey: .stride) ?? size
      self = type.hasPrefix("max") ? .maxPool(size: size, stride: stride) : .avgPool(size: size, stride: stride)
    case "flatten": self = .flatten
    case "relu": self = .relu
    case "leakyrelu": self = .leakyRelu(slope: try c.decodeIfPresent(Float.self, forKey: .slope) ?? 0.01)
    case "sigmoid": self = .sigmoid
    case "tanh": self = .tanh
    case "dropout": self = .dropout(rate: try c.decode(Float.self, forKey: .rate))
    default:
      throw DecodingError.dataCorruptedError(
        forKey: .type, in: c,
        debugDescription: "unknown layer type '\(type)'; use dense, conv2d, maxpool, avgpool, flatten, relu, leakyrelu, sigmoid, tanh or dropout")
    }
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: Key.self)
    try c.encode(typeName, forKey: .type)
    switch self {
    case let .dense(units):
      try c.encode(units, forKey: .units)
    case let .conv2d(filters, kernel, stride, padding):
      try c.encode(filters, forKey: .filters)
      try c.encode(kernel, forKey: .kernel)
      try c.encode(stride, forKey: .stride)
      try c.encode(padding, forKey: .padding)
    case let .maxPool(size, stride), let .avgPool(size, stride):
      try c.encode(size, forKey: .size)
      try c.encode(stride, forKey: .stride)
    case let .leakyRelu(slope):
      try c.encode(slope, forKey: .slope)
    case let .dropout(rate):
      try c.encode(rate, forKey: .rate)
    case .flatten, .relu, .sigmoid, .tanh:
      break
    }
  }
}
