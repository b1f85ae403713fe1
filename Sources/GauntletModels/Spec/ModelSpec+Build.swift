import GauntletCore

extension ModelSpec {
  /// Builds a freshly initialized model on `backend`. Weights come from Philox on the device:
  /// layer `i` uses `PhiloxKey(seed: seed).derived(i)`, so a seed gives the same model on every
  /// backend. Dense/Conv2D layers followed by ReLU or LeakyReLU use He initialization, others
  /// Glorot; biases start at zero. Dropout layers take their mask keys the same way.
  public func build(on backend: Backend, seed: UInt64) throws -> Sequential {
    try validate()
    var shape = inputShape
    var built: [Layer] = []
    let root = PhiloxKey(seed: seed)
    for (i, spec) in layers.enumerated() {
      let key = root.derived(UInt64(i))
      let next = i + 1 < layers.count ? layers[i + 1] : nil
      let initializer: WeightInit
      switch next {
      case .relu?, .leakyRelu?: initializer = .he
      default: initializer = .glorot
      }
      let layer: Layer
      switch spec {
      case let .dense(units):
        layer = try Dense(inputShape: shape, units: units, index: i, initializer: initializer, key: key, on: backend)
      case let .conv2d(filters, kernel, stride, padding):
        layer = try Conv2D(inputShape: shape, filters: filters, kernel: kernel, stride: stride, padding: padding,
                           index: i, initializer: initializer, key: key, on: backend)
      case let .maxPool(size, stride):
        layer = try MaxPool2D(inputShape: shape, size: size, stride: stride, on: backend)
      case let .avgPool(size, stride):
        layer = try AvgPool2D(inputShape: shape, size: size, stride: stride, on: backend)
      case .flatten: layer = Flatten(inputShape: shape, on: backend)
      case .relu: layer = ReLU(inputShape: shape, on: backend)
      case let .leakyRelu(slope): layer = try LeakyReLU(inputShape: shape, slope: slope, on: backend)
      case .sigmoid: layer = Sigmoid(inputShape: shape, on: backend)
      case .tanh: layer = Tanh(inputShape: shape, on: backend)
      case let .dropout(rate): layer = try Dropout(inputShape: shape, rate: rate, key: key, on: backend)
      }
      built.append(layer)
      shape = layer.outputShape
    }
    return try Sequential(spec: self, layers: built, backend: backend)
  }
}
