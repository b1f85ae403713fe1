import GauntletCore

extension Checker {
  /// Sizes for element-wise ops: odd on purpose, the last one above a typical parallel threshold.
  static let vectorSizes = [1, 7, 93, 144, 1000, 40_001]

  /// How one `UnaryOp` is checked: input range, special inputs placed first (zeros, clamp bounds),
  /// and the tolerance of the forward value and of the backward product `g·f′(x)`.
  struct UnarySpec {
    var op: UnaryOp
    var lo: Float, hi: Float
    var specials: [Float] = []
    /// Forward tolerance and the scale it is relative to (`ref` is the exact value).
    var forward: Double
    var forwardScale: (_ x: Double, _ ref: Double) -> Double = { _, r in Swift.abs(r) }
    var backward: Double
    var backwardScale: (_ x: Double, _ g: Double, _ ref: Double) -> Double = { _, _, r in Swift.abs(r) }
  }

  static let unarySpecs: [UnarySpec] = [
    // Selections, sign flips and single roundings of exact products: exact both ways.
    UnarySpec(op: .relu, lo: -4, hi: 4, specials: [0, -0.0], forward: Tol.exact, backward: Tol.exact),
    UnarySpec(op: .leakyRelu(slope: 0.01), lo: -4, hi: 4, specials: [0], forward: Tol.exact, backward: Tol.exact),
    UnarySpec(op: .sign, lo: -4, hi: 4, specials: [0, -0.0], forward: Tol.exact, backward: Tol.exact),
    UnarySpec(op: .abs, lo: -4, hi: 4, specials: [0], forward: Tol.exact, backward: Tol.exact),
    UnarySpec(op: .square, lo: -4, hi: 4, specials: [0], forward: Tol.exact, backward: Tol.exact),
    UnarySpec(op: .clamp(lo: -1, hi: 2), lo: -4, hi: 4, specials: [-1, 2], forward: Tol.exact, backward: Tol.exact),
    // scale·x + shift: two roundings (or one fused), relative to |scale·x| + |shift|; backward g·scale exact.
    UnarySpec(op: .affine(scale: 1.5, shift: -0.25), lo: -4, hi: 4, forward: Tol.axpy,
              forwardScale: { x, _ in Swift.abs(1.5 * x) + 0.25 }, backward: Tol.exact),
    // Transcendentals: OpenCL ulp bounds, relative. Backward of sigmoid/tanh computes 1 − s or
    // 1 − t², which cancels near saturation: 16 ulp relative to |g| (|f′| ≤ 1).
    UnarySpec(op: .sigmoid, lo: -12, hi: 12, specials: [0], forward: Tol.sigmoid,
              backward: 16 * Tol.ulp, backwardScale: { _, g, _ in Swift.abs(g) }),
    UnarySpec(op: .tanh, lo: -6, hi: 6, specials: [0], forward: Tol.tanh,
              backward: 16 * Tol.ulp, backwardScale: { _, g, _ in Swift.abs(g) }),
    // exp′ = g·exp(x): exp + one multiply.
    UnarySpec(op: .exp, lo: -20, hi: 20, specials: [0], forward: Tol.exp, backward: Tol.exp + 2 * Tol.ulp),
    // log near 1 is near 0: relative to max(|log x|, 1). log′ = g/x: a division.
    UnarySpec(op: .log, lo: 0.01, hi: 100, specials: [1], forward: Tol.exp,
              forwardScale: { _, r in Swift.max(Swift.abs(r), 1) }, backward: Tol.div),
    // sqrt′ = g·0.5/sqrt(x): sqrt + divide + multiply.
    UnarySpec(op: .sqrt, lo: 0.01, hi: 100, specials: [1, 4], forward: Tol.sqrt, backward: 8 * Tol.ulp),
  ]

  func elementwiseChecks() {
    for spec in Self.unarySpecs {
      for n in Self.vectorSizes {
        check("unary", "\(spec.op) n=\(n)") { try unaryCase(spec, n, inPlace: false) }
        check("unaryBackward", "\(spec.op) n=\(n)") { try unaryBackwardCase(spec, n) }
      }
      check("unary", "\(spec.op) n=93 in place") { try unaryCase(spec, 93, inPlace: true) }
    }
    for op in BinaryOp.allCases {
      for n in Self.vectorSizes { check("binary", "\(op) n=\(n)") { try binaryCase(op, n, alias: 0) } }
      check("binary", "\(op) n=93 c aliases a") { try binaryCase(op, 93, alias: 1) }
      check("binary", "\(op) n=93 c aliases b") { try binaryCase(op, 93, alias: 2) }
      for axis in [BroadcastAxis.row, .column] {
        for (r, c) in [(1, 1), (7, 93), (144, 1), (1, 144), (300, 257)] {
          check("broadcast", "\(op) \(axis) \(r)x\(c)") { try broadcastCase(op, axis, r, c, inPlace: false) }
        }
        check("broadcast", "\(op) \(axis) 7x93 in place") { try broadcastCase(op, axis, 7, 93, inPlace: true) }
      }
    }
    for n in Self.vectorSizes {
      for alpha: Float in [0.75, -3] { check("axpy", "α\(alpha) n=\(n)") { try axpyCase(alpha, n) } }
    }
  }

  func unaryInput(_ spec: UnarySpec, _ n: Int) -> [Float] {
    var x = uniform(n, spec.lo, spec.hi)
    for (i, v) in spec.specials.enumerated() where i < n { x[i] = v }
    return x
  }

  func unaryCase(_ spec: UnarySpec, _ n: Int, inPlace: Bool) throws -> Measure {
    let x = unaryInput(spec, n)
    let bx = try buffer(x)
    let by = inPlace ? bx : try buffer(count: n)
    try backend.unary(spec.op, bx, into: by, count: n)
    let want = x.map { Reference.unary(spec.op, Double($0)) }
    let scale = zip(x, want).map { spec.forwardScale(Double($0), $1) }
    if spec.forward == Tol.exact { return Metric.exact(try read(by), want) }
    return Metric.relative(try read(by), want, scale: scale, tolerance: spec.forward)
  }

  func unaryBackwardCase(_ spec: UnarySpec, _ n: Int) throws -> Measure {
    let x = unaryInput(spec, n), g = uniform(n, -2, 2)
    let out = try buffer(count: n)
    try backend.unaryBackward(spec.op, x: try buffer(x), gradOutput: try buffer(g), into: out, count: n)
    let want = (0..<n).map { Reference.unaryBackward(spec.op, Double(x[$0]), Double(g[$0])) }
    if spec.backward == Tol.exact { return Metric.exact(try read(out), want.map { Double(Float($0)) }) }
    let scale = (0..<n).map { spec.backwardScale(Double(x[$0]), Double(g[$0]), want[$0]) }
    return Metric.relative(try read(out), want, scale: scale, tolerance: spec.backward)
  }

  /// Second operand: away from zero for division; equal to the first at every fifth entry (ties
  /// for min/max).
  func binaryInputs(_ op: BinaryOp, _ n: Int) -> ([Float], [Float]) {
    let a = uniform(n, -4, 4)
    var b = uniform(n, -4, 4)
    if op == .div { b = b.map { $0 < 0 ? $0 - 0.5 : $0 + 0.5 } } else {
      for i in stride(from: 0, to: n, by: 5) { b[i] = a[i] }
    }
    return (a, b)
  }

  /// `alias`: 0 none, 1 c is a, 2 c is b. Add, sub, mul, min, max are exact (single rounding of
  /// an exact result); div gets `Tol.div`.
  func binaryCase(_ op: BinaryOp, _ n: Int, alias: Int) throws -> Measure {
    let (a, b) = binaryInputs(op, n)
    let ba = try buffer(a), bb = try buffer(b)
    let bc = alias == 1 ? ba : alias == 2 ? bb : try buffer(count: n)
    try backend.binary(op, ba, bb, into: bc, count: n)
    let want = (0..<n).map { Reference.binary(op, Double(a[$0]), Double(b[$0])) }
    if op == .div { return Metric.relative(try read(bc), want, tolerance: Tol.div) }
    return Metric.exact(try read(bc), want.map { Double(Float($0)) })
  }

  func broadcastCase(_ op: BinaryOp, _ axis: BroadcastAxis, _ rows: Int, _ cols: Int, inPlace: Bool) throws -> Measure {
    let (m, _) = binaryInputs(op, rows * cols)
    let (_, v) = binaryInputs(op, axis == .row ? cols : rows)
    let bm = try buffer(m)
    let bo = inPlace ? bm : try buffer(count: rows * cols)
    try backend.broadcast(op, bm, try buffer(v), into: bo, rows: rows, cols: cols, axis: axis)
    let want = (0..<(rows * cols)).map { i in
      Reference.binary(op, Double(m[i]), Double(v[axis == .row ? i % cols : i / cols]))
    }
    if op == .div { return Metric.relative(try read(bo), want, tolerance: Tol.div) }
    return Metric.exact(try read(bo), want.map { Double(Float($0)) })
  }

  /// `y + α·x`, relative to `|y| + |α·x|`.
  func axpyCase(_ alpha: Float, _ n: Int) throws -> Measure {
    let x = uniform(n, -4, 4), y = uniform(n, -4, 4)
    let by = try buffer(y)
    try backend.axpy(alpha: alpha, try buffer(x), by, count: n)
    let want = (0..<n).map { Double(y[$0]) + Double(alpha) * Double(x[$0]) }
    let scale = (0..<n).map { Swift.abs(Double(y[$0])) + Swift.abs(Double(alpha) * Double(x[$0])) }
    return Metric.relative(try read(by), want, scale: scale, tolerance: Tol.axpy)
  }
}
