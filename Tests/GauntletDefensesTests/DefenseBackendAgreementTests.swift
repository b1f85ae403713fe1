import Foundation
import Testing
@testable import Gauntlet

/// The OpenCL backend for agreement tests: skipped without an OpenCL platform, except under
/// `CI=true`, where a missing platform fails.
enum OpenCLForTests {
  static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
  static let backend: Result<OpenCLBackend, Error> = Result { try OpenCLBackend.shared() }
  static var enabled: Bool { isCI || (try? backend.get()) != nil }
}

@Suite("Defenses agree across backends", .enabled(if: OpenCLForTests.enabled, "no OpenCL platform (set CI=true to require one)"))
struct DefenseBackendAgreementTests {
  @Test(arguments: defenseCases)
  func cpuAndOpenCLGiveTheSameAnswers(_ c: DefenseCase) throws {
    let ocl = try OpenCLForTests.backend.get()
    let cpuModel = try LinearModel(features: 6, classes: 5, seed: 2, scale: 2)
    let oclModel = try LinearModel(weights: cpuModel.weights, bias: cpuModel.bias, on: ocl)
    let cpuSurrogate = try LinearModel(features: 6, classes: 5, seed: 9)
    let oclSurrogate = try LinearModel(weights: cpuSurrogate.weights, bias: cpuSurrogate.bias, on: ocl)
    let x = values(40 * 6, seed: 3)
    let a = try defended(cpuModel, c.spec, x, context: DefenseContext(surrogate: cpuSurrogate, key: 1))
    let b = try defended(oclModel, c.spec, x, context: DefenseContext(surrogate: oclSurrogate, key: 1))
    let qa = try a.scoreArray(), qb = try b.scoreArray()
    let p = cpuModel.probabilities(x)
    // Rounding can flip where a value sits within float error of a rounding boundary.
    let slack: Float = c.spec.contains("round") ? 0.0101 : 1e-4
    for i in qa.indices { #expect(abs(qa[i] - qb[i]) < slack, "\(c.spec) entry \(i): cpu \(qa[i]) opencl \(qb[i])") }
    for r in 0..<40 where a.labels[r] != b.labels[r] {
      let row = p[(r * 5)..<((r + 1) * 5)].sorted(by: >)
      #expect(row[0] - row[1] < 1e-4, "\(c.spec) row \(r): labels differ without a near tie")
    }
  }
}
