import GauntletCore

/// One entry of a model architecture. In JSON each is an object with a `"type"`:
///
/// ```json
/// {"type": "conv2d", "filters": 16, "kernel": 3, "stride": 1, "padding": 1}
/// {"type": "maxpool", "size": 2, "stride": 2}    {"type": "avgpool", "size": 2}
/// {"type": "dense", "units": 10}                 {"type": "flatten"}
/// {"type": "relu"}  {"type": "leakyrelu", "slope": 0.01}  {"type": "sigmoid"}  {"type": "tanh"}
/// {"type": "dropout", "rate": 0.5}
/// ```
/// `stride` defaults to 1 for `conv2d` and to `size` for pools; `padding` to 0; `slope` to 0.01.
public enum LayerSpec: Sendable, Hashable {
  case dense(units: Int)
  case conv2d(filters: Int, kernel: Int, stride: Int = 1, padding: Int = 0)
  case maxPool(size: Int, stride: Int)
  case avgPool(size: Int, stride: Int)
  case flatten
  case relu
  case leakyRelu(slope: Float)
  case sigmoid
  case tanh
  case dropout(rate: Float)

  /// The `"type"` string of the JSON form.
  public var typeName: String {
    switch self {
    case .dense: return "dense"
    case .conv2d: return "conv2d"
    case .maxPool: return "maxpool"
    case .avgPool: return "avgpool"
    case .flatten: return "flatten"
    case .relu: return "relu"
    case .leakyRelu: return "leakyrelu"
    case .sigmoid: return "sigmoid"
    case .tanh: return "tanh"
    case .dropout: return "dropout"
    }
  }

  /// Whether the layer has a weight and a bias.
  public var hasParameters: Bool {
    switch self {
    case .dense, .conv2d: return true
    default: return false
    }
  }

  /// Per-sample output shape for a per-sample `input` shape; throws when the layer cannot apply.
  public func outputShape(for input: [Int]) throws -> [Int] {
    guard !input.isEmpty, input.allSatisfy({ $0 > 0 }) else {
      throw GauntletError.invalidArgument(name: typeName, detail: "input shape \(input) must be non-empty and positive")
    }
    switch self {
    case let .dense(units):
      guard units > 0 else { throw GauntletError.invalidArgument(name: "dense.units", detail: "must be > 0, got \(units)") }
      return [units]
    case let .conv2d(filters, kernel, stride, padding):
      guard input.count == 3 else {
        throw GauntletError.invalidArgument(name: "conv2d", detail: "needs a [C, H, W] input, got \(input); put it before flatten")
      }
      guard filters > 0, kernel > 0, stride > 0, padding >= 0,
            input[1] + 2 * padding >= kernel, input[2] + 2 * padding >= kernel else {
        throw GauntletError.invalidArgument(
          name: "conv2d", detail: "filters \(filters), kernel \(kernel), stride \(stride), padding \(padding) do not fit input \(input)")
      }
      return [filters, (input[1] + 2 * padding - kernel) / stride + 1, (input[2] + 2 * padding - kernel) / stride + 1]
    case let .maxPool(size, stride), let .avgPool(size, stride):
      guard input.count == 3 else {
        throw GauntletError.invalidArgument(name: typeName, detail: "needs a [C, H, W] input, got \(input)")
      }
      guard size > 0, stride > 0, size <= input[1], size <= input[2] else {
        throw GauntletError.invalidArgument(name: typeName, detail: "window \(size) / stride \(stride) does not fit input \(input)")
      }
      return [input[0], (input[1] - size) / stride + 1, (input[2] - size) / stride + 1]
    case .flatten:
      return [input.reduce(1, *)]
    case let .leakyRelu(slope):
      try Validate.finite(slope, "leakyrelu.slope")
      return input
    case let .dropout(rate):
      guard rate.isFinite, rate >= 0, rate < 1 else {
        throw GauntletError.invalidArgument(name: "dropout.rate", detail: "must be in [0, 1), got \(rate)")
      }
      return input
    case .relu, .sigmoid, .tanh:
      return input
    }
  }
}
