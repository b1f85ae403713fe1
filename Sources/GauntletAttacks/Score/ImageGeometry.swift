import GauntletCore

/// Channels × height × width of one input, from an oracle's input shape: `[c, h, w]`, `[h, w]`
/// (one channel), or `[d]`: a one-channel `√d × √d` image when `d` is a square number (a flattened
/// image, e.g. the digits MLP's 64 inputs), else one row of `d` pixels. `override` (an attack's
/// `imageShape`) replaces the shape when given. Index of `(ch, r, col)` is `(ch·h + r)·w + col`.
struct ImageGeometry: Sendable, Hashable {
  let c: Int, h: Int, w: Int
  var count: Int { c * h * w }

  init(_ inputShape: [Int], override: [Int]? = nil) throws {
    var shape = override ?? inputShape
    if let o = override, o.reduce(1, *) != inputShape.reduce(1, *) {
      throw GauntletError.shapeMismatch(operation: "imageShape", detail: "\(o) does not hold the \(inputShape.reduce(1, *)) inputs of \(inputShape)")
    }
    if shape.count == 1 {
      let side = Int(Double(shape[0]).squareRoot().rounded())
      if side > 1 && side * side == shape[0] { shape = [1, side, side] }
    }
    switch shape.count {
    case 3: (c, h, w) = (shape[0], shape[1], shape[2])
    case 2: (c, h, w) = (1, shape[0], shape[1])
    case 1: (c, h, w) = (1, 1, shape[0])
    default:
      throw GauntletError.unsupported(operation: "image attack on input shape \(shape) (need [c, h, w], [h, w] or [d])",
                                      backend: "any")
    }
    guard c > 0, h > 0, w > 0 else {
      throw GauntletError.invalidArgument(name: "inputShape", detail: "empty dimension in \(shape)")
    }
  }

  @inline(__always) func index(_ ch: Int, _ r: Int, _ col: Int) -> Int { (ch * h + r) * w + col }
}

/// A small deterministic generator for per-sample random choices made on the host (window
/// positions, signs, coordinate orders): Philox blocks drawn in sequence from one key.
struct HostRandom {
  let key: PhiloxKey
  private var block: UInt64 = 0
  private var buffer: [UInt32] = []

  init(key: PhiloxKey) { self.key = key }

  mutating func next() -> UInt32 {
    if buffer.isEmpty {
      let w = Philox.block(counter: (block, key.stream), key: key)
      block &+= 1
      buffer = [w.3, w.2, w.1, w.0]
    }
    return buffer.removeLast()
  }

  /// Uniform integer in `0..<n` (`n ≥ 1`).
  mutating func below(_ n: Int) -> Int {
    let r = (UInt64(next()) << 32) | UInt64(next())
    return Int(r % UInt64(max(n, 1)))
  }

  /// ±1 with probability ½.
  mutating func sign() -> Float { next() & 1 == 0 ? 1 : -1 }

  /// Uniform in [0, 1).
  mutating func unit() -> Float { Float(next() >> 8) * 0x1p-24 }

  /// A uniformly random permutation of `0..<n`.
  mutating func permutation(_ n: Int) -> [Int] {
    var p = Array(0..<n)
    if n > 1 { for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, below(i + 1)) } }
    return p
  }
}
