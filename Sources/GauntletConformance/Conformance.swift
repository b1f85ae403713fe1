import GauntletCore

/// The backend conformance suite: every `Backend` op, checked against plain-Swift reference
/// implementations (naive loops, `Double` accumulation) that live in this module, on odd sizes
/// (1, 7, 93, 144, ≥ 1000), both transposes, batches, strides and offsets, aliasing, and the
/// error behaviour of bad input (CLBlast-style coverage, swift-numerics-style "write the check once,
/// run it on every backend").
///
/// Each check states its tolerance in the code next to it (see `Tol`): exact ops and the RNG must
/// match bit for bit; transcendental functions get the OpenCL 1.2 ulp bounds; sums get the
/// size-dependent worst-case bound γₙ of Higham, "Accuracy and Stability of Numerical Algorithms",
/// §3.1. Inputs are drawn from Philox keyed by `seed` and the check's name, so every case is
/// reproducible and independent of `filter`.
///
/// ```swift
/// let report = Conformance.run(on: CPUBackend(), filter: "gemm")
/// print(report.table())
/// ```
public enum Conformance {
  /// Runs every check whose `"op case"` contains `filter` (case-insensitive; all when `nil`). A
  /// check that throws unexpectedly becomes a failed result carrying the error text.
  public static func run(on backend: Backend, filter: String? = nil, seed: UInt64 = 0) -> ConformanceReport {
    let c = Checker(backend: backend, filter: filter, seed: seed)
    c.memoryChecks()
    c.gemmChecks()
    c.elementwiseChecks()
    c.rowChecks()
    c.randomChecks()
    c.perturbChecks()
    c.convolutionChecks()
    c.errorChecks()
    return ConformanceReport(backend: backend.name, results: c.results)
  }
}

/// What a check measured.
struct Measure {
  var maxError: Double
  var tolerance: Double
  var detail: String?
  /// Extra pass condition (an invariant); `nil` means "maxError within tolerance".
  var ok: Bool? = nil

  var passed: Bool { maxError <= tolerance && (ok ?? true) }

  /// Combines two measures of one check (e.g. values and an invariant) into the worse ratio.
  func and(_ other: Measure) -> Measure {
    let worse = other.passed == passed ? (ratio >= other.ratio ? self : other) : (passed ? other : self)
    return Measure(maxError: worse.maxError, tolerance: worse.tolerance,
                   detail: [detail, other.detail].compactMap { $0 }.joined(separator: "; ").nilIfEmpty,
                   ok: passed && other.passed)
  }

  var ratio: Double { tolerance > 0 ? maxError / tolerance : (maxError > 0 ? .infinity : 0) }
}

extension String {
  var nilIfEmpty: String? { isEmpty ? nil : self }
}

/// Runs checks, records results, and draws reproducible inputs.
final class Checker {
  let backend: Backend
  let filter: String?
  let seed: UInt64
  var results: [ConformanceResult] = []
  private var stream: UInt64 = 0
  private var draws: UInt64 = 0

  init(backend: Backend, filter: String?, seed: UInt64) {
    self.backend = backend
    self.filter = filter?.lowercased()
    self.seed = seed
  }

  func selected(_ op: String, _ caseName: String) -> Bool {
    guard let filter, !filter.isEmpty else { return true }
    return "\(op) \(caseName)".lowercased().contains(filter)
  }

  /// Runs `body` (when selected) and records its measure; a thrown error is a failure.
  func check(_ op: String, _ caseName: String, _ body: () throws -> Measure) {
    guard selected(op, caseName) else { return }
    stream = Self.fnv1a("\(op)/\(caseName)")
    draws = 0
    do {
      let m = try body()
      let finite = !m.maxError.isNaN
      results.append(ConformanceResult(op: op, caseName: caseName, maxError: finite ? m.maxError : .infinity,
                                       tolerance: m.tolerance, passed: finite && m.passed, detail: m.detail))
    } catch {
      results.append(ConformanceResult(op: op, caseName: caseName, maxError: .infinity, tolerance: 0, passed: false,
                                       detail: "threw unexpectedly: \(error)"))
    }
  }

  /// The kinds of `GauntletError` a bad-input check can demand.
  enum Expected: String { case shapeMismatch, invalidArgument, nonFinite, foreignBuffer, anyError }

  /// Passes when `body` throws a `GauntletError` of the `expected` kind (and nothing else).
  func expectError(_ op: String, _ caseName: String, _ expected: Expected, _ body: () throws -> Void) {
    check(op, caseName) {
      do {
        try body()
        return Measure(maxError: 1, tolerance: 0, detail: "did not throw; expected \(expected.rawValue)")
      } catch let e as GauntletError {
        let kind: Expected
        switch e {
        case .shapeMismatch: kind = .shapeMismatch
        case .invalidArgument: kind = .invalidArgument
        case .nonFinite: kind = .nonFinite
        case .foreignBuffer: kind = .foreignBuffer
        default: kind = .anyError
        }
        let ok = expected == .anyError || kind == expected
        return Measure(maxError: ok ? 0 : 1, tolerance: 0, detail: ok ? nil : "threw \(e); expected \(expected.rawValue)")
      } catch {
        return Measure(maxError: 1, tolerance: 0, detail: "threw a non-Gauntlet error \(error); expected \(expected.rawValue)")
      }
    }
  }

  /// Passes when `body` does not throw (zero-sized work and other no-ops).
  func expectSuccess(_ op: String, _ caseName: String, _ body: () throws -> Void) {
    check(op, caseName) {
      try body()
      return Measure(maxError: 0, tolerance: 0)
    }
  }

  // MARK: Inputs

  /// `n` values uniform on `[lo, hi)` from Philox, keyed by the seed and the current check.
  func uniform(_ n: Int, _ lo: Float, _ hi: Float) -> [Float] {
    draws += 1
    return Philox.fill(.uniform(lo: lo, hi: hi), key: PhiloxKey(seed: seed, stream: stream), counter: draws << 40, count: n)
  }

  /// `n` small integers in `0..<levels` (as Float): inputs full of ties.
  func ties(_ n: Int, levels: Int) -> [Float] {
    uniform(n, 0, Float(levels)).map { $0.rounded(.down) }
  }

  /// `n` indices in `0..<bound`.
  func indices(_ n: Int, below bound: Int) -> [Int32] {
    uniform(n, 0, 1).map { Int32(Swift.min(Float(bound - 1), ($0 * Float(bound)).rounded(.down))) }
  }

  /// A new backend buffer holding `values`.
  func buffer(_ values: [Float]) throws -> DeviceBuffer { try backend.makeBuffer(values) }

  /// A backend buffer of `count` elements filled with `sentinel` (to catch writes out of range).
  func buffer(count: Int, sentinel: Float = 1234.5) throws -> DeviceBuffer {
    let b = try backend.makeBuffer(count: count)
    try backend.fill(b, value: sentinel, offset: 0, count: count)
    return b
  }

  func read(_ b: DeviceBuffer) throws -> [Float] { try backend.download(b) }

  /// 64-bit FNV-1a, a stable hash of a check's name (Swift's `hashValue` is seeded per process).
  static func fnv1a(_ s: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in s.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return h
  }
}
