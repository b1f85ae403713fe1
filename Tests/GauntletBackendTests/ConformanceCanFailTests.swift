import Foundation
import Testing
import Gauntlet

/// A backend that forwards to the CPU backend but gets one thing wrong, to show the suite notices.
final class CorruptingBackend: Backend, @unchecked Sendable {
  // Immutable after init; the inner backend is itself Sendable.
  enum Fault { case gemmOffset, randomBitFlip, l2NoProjection }
  let inner = CPUBackend()
  let fault: Fault
  init(_ fault: Fault) { self.fault = fault }

  var name: String { "corrupt(\(fault))" }
  var deviceKind: DeviceKind { .cpu }
  func makeBuffer(count: Int) throws -> DeviceBuffer { try inner.makeBuffer(count: count) }
  func upload(_ host: UnsafeBufferPointer<Float>, to buffer: DeviceBuffer, offset: Int) throws {
    try inner.upload(host, to: buffer, offset: offset)
  }
  func download(_ buffer: DeviceBuffer, offset: Int, into host: UnsafeMutableBufferPointer<Float>) throws {
    try inner.download(buffer, offset: offset, into: host)
  }
  func copy(_ src: DeviceBuffer, srcOffset: Int, to dst: DeviceBuffer, dstOffset: Int, count: Int) throws {
    try inner.copy(src, srcOffset: srcOffset, to: dst, dstOffset: dstOffset, count: count)
  }
  func fill(_ buffer: DeviceBuffer, value: Float, offset: Int, count: Int) throws {
    try inner.fill(buffer, value: value, offset: offset, count: count)
  }
  func gatherRows(_ src: DeviceBuffer, indices: [Int32], cols: Int, into dst: DeviceBuffer) throws {
    try inner.gatherRows(src, indices: indices, cols: cols, into: dst)
  }

  /// Fault: adds 1e-2 to every entry of C's span.
  func gemm(_ a: DeviceBuffer, _ b: DeviceBuffer, into c: DeviceBuffer, _ shape: GemmShape) throws {
    try inner.gemm(a, b, into: c, shape)
    guard fault == .gemmOffset, shape.requiredC > shape.offsetC else { return }
    let n = shape.requiredC - shape.offsetC
    let v = try inner.download(c, offset: shape.offsetC, count: n).map { $0 + 1e-2 }
    try inner.upload(v, to: c, offset: shape.offsetC)
  }

  func unary(_ op: UnaryOp, _ x: DeviceBuffer, into y: DeviceBuffer, count: Int) throws {
    try inner.unary(op, x, into: y, count: count)
  }
  func unaryBackward(_ op: UnaryOp, x: DeviceBuffer, gradOutput: DeviceBuffer, into gradInput: DeviceBuffer, count: Int) throws {
    try inner.unaryBackward(op, x: x, gradOutput: gradOutput, into: gradInput, count: count)
  }
  func binary(_ op: BinaryOp, _ a: DeviceBuffer, _ b: DeviceBuffer, into c: DeviceBuffer, count: Int) throws {
    try inner.binary(op, a, b, into: c, count: count)
  }
  func broadcast(_ op: BinaryOp, _ matrix: DeviceBuffer, _ vector: DeviceBuffer, into out: DeviceBuffer,
                 rows: Int, cols: Int, axis: BroadcastAxis) throws {
    try inner.broadcast(op, matrix, vector, into: out, rows: rows, cols: cols, axis: axis)
  }
  func axpy(alpha: Float, _ x: DeviceBuffer, _ y: DeviceBuffer, count: Int) throws {
    try inner.axpy(alpha: alpha, x, y, count: count)
  }
  func rows(_ op: RowOp, _ x: DeviceBuffer, into y: DeviceBuffer, rows: Int, cols: Int) throws {
    try inner.rows(op, x, into: y, rows: rows, cols: cols)
  }

  /// Fault: flips the lowest bit of the middle element.
  func random(_ distribution: Distribution, key: PhiloxKey, counter: UInt64, into buffer: DeviceBuffer, count: Int) throws {
    try inner.random(distribution, key: key, counter: counter, into: buffer, count: count)
    guard fault == .randomBitFlip, count > 0 else { return }
    let v = try inner.download(buffer, offset: count / 2, count: 1)[0]
    try inner.upload([Float(bitPattern: v.bitPattern ^ 1)], to: buffer, offset: count / 2)
  }

  func perturbRows(base: DeviceBuffer, directions: DeviceBuffer, sigma: Float, antithetic: Bool, into out: DeviceBuffer,
                   samples: Int, directionsPerSample: Int, dim: Int) throws {
    try inner.perturbRows(base: base, directions: directions, sigma: sigma, antithetic: antithetic, into: out,
                          samples: samples, directionsPerSample: directionsPerSample, dim: dim)
  }
  func perturbCoordinates(base: DeviceBuffer, indices: [Int32], h: Float, into out: DeviceBuffer,
                          samples: Int, coordinatesPerSample: Int, dim: Int) throws {
    try inner.perturbCoordinates(base: base, indices: indices, h: h, into: out, samples: samples,
                                 coordinatesPerSample: coordinatesPerSample, dim: dim)
  }

  /// Fault: the L2 step is taken but never projected onto the ball.
  func stepProject(x: DeviceBuffer, direction: DeviceBuffer, origin: DeviceBuffer, stepSize: Float, epsilon: Float,
                   norm: Norm, lo: Float, hi: Float, into out: DeviceBuffer, rows: Int, cols: Int) throws {
    guard fault == .l2NoProjection, norm == .l2 else {
      return try inner.stepProject(x: x, direction: direction, origin: origin, stepSize: stepSize, epsilon: epsilon,
                                   norm: norm, lo: lo, hi: hi, into: out, rows: rows, cols: cols)
    }
    try Validate.projection(stepSize: stepSize, epsilon: epsilon, lo: lo, hi: hi)
    let n = rows * cols
    let xs = try inner.download(x, count: n), ds = try inner.download(direction, count: n)
    try inner.upload(zip(xs, ds).map { Swift.min(Swift.max($0 + stepSize * $1, lo), hi) }, to: out)
  }

  func im2col(_ input: DeviceBuffer, into columns: DeviceBuffer, _ shape: ConvShape) throws {
    try inner.im2col(input, into: columns, shape)
  }
  func col2im(_ columns: DeviceBuffer, into input: DeviceBuffer, _ shape: ConvShape) throws {
    try inner.col2im(columns, into: input, shape)
  }
  func maxPool(_ input: DeviceBuffer, into output: DeviceBuffer, argmax: DeviceBuffer, _ shape: ConvShape) throws {
    try inner.maxPool(input, into: output, argmax: argmax, shape)
  }
  func maxPoolBackward(gradOutput: DeviceBuffer, argmax: DeviceBuffer, into gradInput: DeviceBuffer, _ shape: ConvShape) throws {
    try inner.maxPoolBackward(gradOutput: gradOutput, argmax: argmax, into: gradInput, shape)
  }
  func avgPool(_ input: DeviceBuffer, into output: DeviceBuffer, _ shape: ConvShape) throws {
    try inner.avgPool(input, into: output, shape)
  }
  func avgPoolBackward(gradOutput: DeviceBuffer, into gradInput: DeviceBuffer, _ shape: ConvShape) throws {
    try inner.avgPoolBackward(gradOutput: gradOutput, into: gradInput, shape)
  }
  func synchronize() throws {}
}

@Suite struct ConformanceCanFailTests {
  @Test func gemmOffsetFailsEveryGemmCheck() {
    let report = Conformance.run(on: CorruptingBackend(.gemmOffset), filter: "gemm")
    let gemm = report.results.filter { $0.op == "gemm" }
    #expect(gemm.count >= 20)
    #expect(gemm.allSatisfy { !$0.passed }, "passed despite the fault: \(gemm.filter(\.passed).map(\.caseName))")
    let others = report.results.filter { $0.op != "gemm" }
    #expect(others.allSatisfy { $0.passed })
    #expect(!report.passed)
    #expect(report.table().contains("FAIL"))
  }

  @Test func randomBitFlipFailsEveryRandomCheck() {
    let report = Conformance.run(on: CorruptingBackend(.randomBitFlip), filter: "random")
    let random = report.results.filter { $0.op == "random" }
    #expect(random.count >= 20)
    #expect(random.allSatisfy { !$0.passed && $0.detail?.contains("differ") == true })
  }

  @Test func missingL2ProjectionBreaksTheBallInvariant() {
    let report = Conformance.run(on: CorruptingBackend(.l2NoProjection), filter: "stepProject")
    let byCase = Dictionary(uniqueKeysWithValues: report.results.map { ($0.caseName, $0) })
    #expect(byCase["l2 7x93"]?.passed == false)
    #expect(byCase["l2 64x1000"]?.passed == false)
    #expect(byCase["l2 7x93"]?.detail?.contains("ε-ball") == true)
    #expect(byCase["linf 7x93"]?.passed == true)
    #expect(byCase["l2 7x93 ε inactive"]?.passed == true)
  }

  @Test func filterSelectsByOpAndCase() {
    let report = Conformance.run(on: TestBackends.cpu(), filter: "SoftMax 7x93")
    #expect(!report.results.isEmpty)
    #expect(report.results.allSatisfy { "\($0.op) \($0.caseName)".lowercased().contains("softmax 7x93") })
    #expect(Conformance.run(on: TestBackends.cpu(), filter: "no such op").results.isEmpty)
  }

  @Test func reportRoundTripsThroughJSONAndPrintsATable() throws {
    let report = Conformance.run(on: TestBackends.cpu(), filter: "axpy")
    let back = try JSONDecoder().decode(ConformanceReport.self, from: JSONEncoder().encode(report))
    #expect(back.results == report.results)
    #expect(back.backend == "cpu")
    let table = report.table()
    #expect(table.contains("op") && table.contains("max error") && table.contains("tolerance"))
    #expect(table.split(separator: "\n").count == report.results.count + 4)
  }

  @Test func seedChangesInputsButStaysReproducible() {
    let a = Conformance.run(on: TestBackends.cpu(), filter: "gemm 93x144x7 NN", seed: 1)
    let b = Conformance.run(on: TestBackends.cpu(), filter: "gemm 93x144x7 NN", seed: 1)
    let c = Conformance.run(on: TestBackends.cpu(), filter: "gemm 93x144x7 NN", seed: 2)
    #expect(a.results.map(\.maxError) == b.results.map(\.maxError))
    #expect(a.results.map(\.maxError) != c.results.map(\.maxError))
    #expect(a.passed && c.passed)
  }
}
