#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GauntletCore

/// Host memory owned by a `CPUBackend`: a 64-byte-aligned, zero-initialised allocation of `count`
/// floats, freed when the buffer is released.
///
/// ```swift
/// let cpu = CPUBackend()
/// let b = try cpu.makeBuffer(count: 1024)   // a CPUBuffer, all zeros
/// ```
public final class CPUBuffer: DeviceBuffer, @unchecked Sendable {
  // @unchecked Sendable: the pointer never changes after init and the allocation lives as long as
  // the object. Like any device buffer, ordering reads and writes of its contents is the caller's
  // job (ops are synchronous on the CPU backend).
  public let count: Int
  public let owner: ObjectIdentifier
  /// Start of the allocation (never null; at least one element is allocated even when `count == 0`).
  let base: UnsafeMutablePointer<Float>

  /// Alignment of every allocation in bytes (a cache line, enough for AVX-512 loads).
  static let alignment = 64

  init(count: Int, owner: ObjectIdentifier) throws {
    let (bytes, overflow) = Swift.max(count, 1).multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
    guard !overflow else {
      throw GauntletError.allocationFailed(bytes: Int.max, backend: "cpu", detail: "\(count) floats overflow the address space")
    }
    var raw: UnsafeMutableRawPointer?
    guard posix_memalign(&raw, CPUBuffer.alignment, bytes) == 0, let raw else {
      throw GauntletError.allocationFailed(bytes: bytes, backend: "cpu", detail: "posix_memalign failed")
    }
    memset(raw, 0, bytes)
    self.base = raw.bindMemory(to: Float.self, capacity: Swift.max(count, 1))
    self.count = count
    self.owner = owner
  }

  deinit { free(base) }
}
