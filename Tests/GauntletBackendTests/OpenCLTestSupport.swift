import Foundation
import Testing
@testable import GauntletOpenCL
import GauntletCore

/// Shared set-up for the OpenCL tests: one backend for every test (PoCL's first device set-up is
/// not thread-safe and Swift Testing runs tests in parallel).
///
/// Without an OpenCL platform the tests are skipped, except under `CI=true`, where they run and
/// fail with the backend's `backendUnavailable` error.
enum OCL {
  static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
  static let available: Bool = (try? OpenCLBackend.shared()) != nil
  /// Trait condition: run when a platform exists, and always on CI.
  static var enabled: Bool { available || isCI }
  static let skipReason: Comment =
    "no OpenCL platform: install one (`apt-get install ocl-icd-opencl-dev pocl-opencl-icd`) to run the OpenCL tests"

  /// The shared backend; records an issue when it cannot be created.
  static func backend() throws -> OpenCLBackend {
    do { return try OpenCLBackend.shared() } catch {
      Issue.record("OpenCL backend unavailable\(isCI ? " on CI" : ""): \(error)")
      throw error
    }
  }

  private static let gpuTunedResult = Result { () throws -> OpenCLBackend in
    _ = try OpenCLBackend.shared()            // first device set-up happens once, here
    return try OpenCLBackend(tuning: .gpu)
  }

  /// A second backend on the same device with the GPU kernel profile forced (tiled GEMM).
  static func gpuTuned() throws -> OpenCLBackend {
    do { return try gpuTunedResult.get() } catch {
      Issue.record("OpenCL GPU-profile backend unavailable: \(error)")
      throw error
    }
  }

  /// Deterministic test data in [lo, hi).
  static func data(_ count: Int, seed: UInt64, lo: Float = -1, hi: Float = 1) -> [Float] {
    Philox.fill(.uniform(lo: lo, hi: hi), key: PhiloxKey(seed: seed, stream: 99), counter: 0, count: count)
  }

  /// Distance in units in the last place between two finite floats (0 when equal).
  static func ulps(_ a: Float, _ b: Float) -> Int {
    if a == b { return 0 }
    guard a.isFinite, b.isFinite else { return Int.max }
    func key(_ x: Float) -> Int64 {
      let bits = Int64(x.bitPattern)
      return x.sign == .minus ? -(bits & 0x7FFF_FFFF) : bits
    }
    return Int(abs(key(a) - key(b)))
  }
}

/// A buffer no backend made: used to check `foreignBuffer`.
final class ForeignBuffer: DeviceBuffer {
  let count: Int
  let owner = ObjectIdentifier(ForeignBuffer.self)
  init(count: Int) { self.count = count }
}
