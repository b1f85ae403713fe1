import GauntletCore

/// A conformance set-up step that could not be done on the backend under test.
struct SetupFailure: Error, CustomStringConvertible {
  var description: String
}

extension Checker {
  /// GEMM: odd sizes, every transpose pair, α/β, batches with padded strides, offsets and a shared
  /// operand, β = 0 over a NaN-filled C, k = 0. Tolerance `Tol.gemm(k)` per entry, relative to
  /// `|α|·Σ|a||b| + |β||c|`; entries of C outside the matrices must be left untouched.
  func gemmChecks() {
    let t: [(Bool, Bool)] = [(false, false), (false, true), (true, false), (true, true)]
    func name(_ s: GemmShape) -> String {
      var n = "\(s.m)x\(s.n)x\(s.k) \(s.transA ? "T" : "N")\(s.transB ? "T" : "N")"
      if s.batch != 1 { n += " batch\(s.batch)" }
      if s.alpha != 1 || s.beta != 0 { n += " α\(s.alpha) β\(s.beta)" }
      return n
    }
    var shapes: [GemmShape] = [GemmShape(m: 1, n: 1, k: 1)]
    for (ta, tb) in t {
      shapes.append(GemmShape(m: 7, n: 7, k: 7, transA: ta, transB: tb))
      shapes.append(GemmShape(m: 93, n: 144, k: 7, transA: ta, transB: tb))
    }
    shapes += [
      GemmShape(m: 144, n: 7, k: 93),
      GemmShape(m: 144, n: 7, k: 93, transA: true, transB: true),
      GemmShape(m: 7, n: 93, k: 144, transB: true),
      GemmShape(m: 1000, n: 7, k: 33),
      GemmShape(m: 1, n: 1001, k: 144, transA: true),
      GemmShape(m: 5, n: 3, k: 1000, transB: true),
      GemmShape(m: 64, n: 64, k: 64, alpha: 0.5, beta: 2),
      GemmShape(m: 93, n: 144, k: 7, transB: true, alpha: -1.5, beta: 0.25),
      GemmShape(m: 7, n: 9, k: 11, alpha: 0, beta: 1),
      // A single row or column of C (matrix-vector shapes, batch-1 inference).
      GemmShape(m: 1, n: 256, k: 784),
      GemmShape(m: 1, n: 93, k: 144, transB: true),
      GemmShape(m: 1, n: 7, k: 93, transA: true, transB: true, alpha: 2, beta: -1),
      GemmShape(m: 144, n: 1, k: 93, transA: true),
      GemmShape(m: 93, n: 1, k: 7, transB: true, alpha: 0.5, beta: 0.5),
    ]
    for s in shapes { check("gemm", name(s)) { try gemmCase(s) } }

    // Batches: padded strides and offsets, a shared (stride-0) B, many small products.
    let strided = GemmShape(batch: 3, m: 17, n: 19, k: 23, alpha: 1.25, beta: -0.5,
                            strideA: 17 * 23 + 5, strideB: 23 * 19 + 2, strideC: 17 * 19 + 7,
                            offsetA: 3, offsetB: 11, offsetC: 4)
    check("gemm", name(strided) + " strides+offsets") { try gemmCase(strided) }
    var stridedT = strided
    stridedT.transA = true; stridedT.transB = true
    check("gemm", name(stridedT) + " strides+offsets") { try gemmCase(stridedT) }
    let shared = GemmShape(batch: 5, m: 33, n: 10, k: 20, strideB: 0)
    check("gemm", name(shared) + " shared B (strideB 0)") { try gemmCase(shared) }
    let many = GemmShape(batch: 8, m: 48, n: 48, k: 48, transA: true)
    check("gemm", name(many)) { try gemmCase(many) }

    // β = 0 must not read C: NaN there must not reach the result.
    for s in [GemmShape(m: 93, n: 7, k: 144), GemmShape(batch: 2, m: 7, n: 93, k: 1, transA: true, transB: true),
              GemmShape(m: 1, n: 7, k: 93), GemmShape(batch: 3, m: 93, n: 1, k: 7, transA: true)] {
      check("gemm", name(s) + " β0 over NaN C") { try gemmCase(s, nanC: true) }
    }
    // k = 0: C = β·C (β = 0 gives zeros, again without reading C).
    check("gemm", "7x5x0 k=0 β0.5") { try gemmCase(GemmShape(m: 7, n: 5, k: 0, beta: 0.5)) }
    check("gemm", "7x5x0 k=0 β0 over NaN C") { try gemmCase(GemmShape(m: 7, n: 5, k: 0), nanC: true) }
  }

  func gemmCase(_ s: GemmShape, nanC: Bool = false) throws -> Measure {
    let a = uniform(s.requiredA, -1, 1), b = uniform(s.requiredB, -1, 1)
    let cCount = s.requiredC + 5   // trailing guard entries must stay untouched
    let bc: DeviceBuffer
    var c: [Float]
    if nanC {
      bc = try nanBuffer(cCount)
      c = try read(bc)
    } else {
      c = uniform(cCount, -1, 1)
      bc = try buffer(c)
    }
    try backend.gemm(try buffer(a), try buffer(b), into: bc, s)
    let want = Reference.gemm(s, a: a, b: b, c: c)
    return Metric.relative(try read(bc), want.value, scale: want.scale, tolerance: Tol.gemm(s.k))
  }

  /// A buffer full of NaN, made on the device (upload rejects NaN): log(−1), else sqrt(−1), else 0/0.
  func nanBuffer(_ count: Int) throws -> DeviceBuffer {
    let b = try buffer([Float](repeating: -1, count: count))
    try backend.unary(.log, b, into: b, count: count)
    if try read(b).allSatisfy(\.isNaN) { return b }
    try backend.upload([Float](repeating: -1, count: count), to: b)
    try backend.unary(.sqrt, b, into: b, count: count)
    if try read(b).allSatisfy(\.isNaN) { return b }
    let z = try buffer([Float](repeating: 0, count: count))
    try backend.binary(.div, z, z, into: b, count: count)
    if try read(b).allSatisfy(\.isNaN) { return b }
    throw SetupFailure(description: "could not make a NaN-filled buffer (log(−1), sqrt(−1) and 0/0 all gave numbers)")
  }
}
