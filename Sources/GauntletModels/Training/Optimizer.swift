import GauntletCore

/// Updates parameters in place on their device from the gradients of the last `backward`.
public protocol Optimizer: AnyObject {
  var learningRate: Float { get set }
  /// One update of every parameter from its current `gradient`.
  func step(_ parameters: [Parameter]) throws
}

/// Per-parameter optimizer state buffers, keyed by parameter identity.
final class OptimizerState {
  private var slots: [ObjectIdentifier: (param: Parameter, buffers: [DeviceBuffer])] = [:]

  /// `count` zero-initialized buffers the size of `p`, created on first use.
  func buffers(for p: Parameter, count: Int) throws -> [DeviceBuffer] {
    if let s = slots[ObjectIdentifier(p)], s.param === p { return s.buffers }
    var bufs: [DeviceBuffer] = []
    for _ in 0..<count {
      let b = try p.backend.makeBuffer(count: p.count)
      try p.backend.fill(b, value: 0, offset: 0, count: p.count)
      bufs.append(b)
    }
    slots[ObjectIdentifier(p)] = (p, bufs)
    return bufs
  }

  func reset() { slots.removeAll() }
}

func checkHyper(_ value: Float, _ name: String, _ range: ClosedRange<Float>) throws {
  guard value.isFinite, range.contains(value) else {
    throw GauntletError.invalidArgument(name: name, detail: "must be in \(range), got \(value)")
  }
}
