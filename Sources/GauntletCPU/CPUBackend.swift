#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GauntletCore

/// The reference backend: OpenBLAS for GEMM, plain Swift loops (auto-vectorised in release builds)
/// for everything else, spread over `threads` cores when the work is large.
///
/// Every op runs synchronously on the calling thread (large ops fan out through
/// `DispatchQueue.concurrentPerform` and return when done), so `synchronize()` is a no-op. Small
/// work (below ~32K elements) runs serially without allocating, which keeps batch-1 latency low.
///
/// ```swift
/// let cpu = CPUBackend()
/// let x = try cpu.makeBuffer([1, -2, 3])
/// try cpu.unary(.relu, x, into: x, count: 3)
/// try cpu.download(x)   // [1, 0, 3]
/// ```
public final class CPUBackend: Backend, @unchecked Sendable {
  // @unchecked Sendable: the only stored state is immutable after init.

  public let name = "cpu"
  public let deviceKind = DeviceKind.cpu
  /// Worker chunks used by the Swift kernels (OpenBLAS keeps its own pool, sized by
  /// `OPENBLAS_NUM_THREADS`).
  public let threads: Int

  /// - Parameter threads: cores for the Swift kernels; `nil` uses every active core, values below 1
  ///   mean 1 (serial).
  public init(threads: Int? = nil) {
    self.threads = Swift.max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
  }

  // MARK: Buffers

  /// (Size checks call the shared variadic `Validate.sizes` only once a value is negative, so the
  /// hot path does not allocate its argument array.)
  ///
  /// Checks that `buffer` is one of this backend's and holds `need` elements; returns its storage.
  /// The pointer is valid for the current call: the caller keeps its arguments alive until the op
  /// returns, and ops never retain it.
  @inline(__always)
  func storage(_ buffer: DeviceBuffer, _ need: Int, _ op: String, _ role: String) throws -> UnsafeMutablePointer<Float> {
    try Validate.buffer(buffer, of: self, atLeast: need, op, role)
    guard let b = buffer as? CPUBuffer else {
      throw GauntletError.foreignBuffer(operation: op, expected: name, got: String(describing: type(of: buffer)))
    }
    return b.base
  }

  public func makeBuffer(count: Int) throws -> DeviceBuffer {
    if count < 0 { try Validate.sizes("makeBuffer", ("count", count)) }
    return try CPUBuffer(count: count, owner: ObjectIdentifier(self))
  }

  public func upload(_ host: UnsafeBufferPointer<Float>, to buffer: DeviceBuffer, offset: Int) throws {
    if offset < 0 { try Validate.sizes("upload", ("offset", offset)) }
    let end = try Extent.sum(offset, host.count, "upload")
    let dst = try storage(buffer, end, "upload", "destination")
    guard let src = host.baseAddress, host.count > 0 else { return }
    // Vectorised screen first (max of the exponent fields); the shared helper then names the index.
    if !CPUKernels.allFinite(src, host.count) { try Validate.finite(host, "upload") }
    (dst + offset).update(from: src, count: host.count)
  }

  public func download(_ buffer: DeviceBuffer, offset: Int, into host: UnsafeMutableBufferPointer<Float>) throws {
    if offset < 0 { try Validate.sizes("download", ("offset", offset)) }
    let end = try Extent.sum(offset, host.count, "download")
    let src = try storage(buffer, end, "download", "source")
    guard let dst = host.baseAddress, host.count > 0 else { return }
    dst.update(from: src + offset, count: host.count)
  }

  public func copy(_ src: DeviceBuffer, srcOffset: Int, to dst: DeviceBuffer, dstOffset: Int, count: Int) throws {
    if srcOffset < 0 || dstOffset < 0 || count < 0 {
      try Validate.sizes("copy", ("srcOffset", srcOffset), ("dstOffset", dstOffset), ("count", count))
    }
    let s = try storage(src, try Extent.sum(srcOffset, count, "copy"), "copy", "source")
    let d = try storage(dst, try Extent.sum(dstOffset, count, "copy"), "copy", "destination")
    guard count > 0 else { return }
    memmove(d + dstOffset, s + srcOffset, count * MemoryLayout<Float>.stride)  // overlap-safe
  }

  public func fill(_ buffer: DeviceBuffer, value: Float, offset: Int, count: Int) throws {
    if offset < 0 || count < 0 { try Validate.sizes("fill", ("offset", offset), ("count", count)) }
    try Validate.finite(value, "value")
    let d = try storage(buffer, try Extent.sum(offset, count, "fill"), "fill", "buffer") + offset
    parallelFor(count) { r in
      for i in r { d[i] = value }
    }
  }

  public func gatherRows(_ src: DeviceBuffer, indices: [Int32], cols: Int, into dst: DeviceBuffer) throws {
    if cols < 0 { try Validate.sizes("gatherRows", ("cols", cols)) }
    let s = try storage(src, 0, "gatherRows", "source")
    let d = try storage(dst, try Extent.product(indices.count, cols, "gatherRows"), "gatherRows", "destination")
    guard cols > 0, !indices.isEmpty else { return }
    try Validate.indices(indices, below: src.count / cols, "gatherRows")
    indices.withUnsafeBufferPointer { idx in
      parallelFor(idx.count, minimum: Swift.max(1, 32_768 / cols)) { r in
        for row in r {
          (d + row * cols).update(from: s + Int(idx[row]) * cols, count: cols)
        }
      }
    }
  }

  public func synchronize() throws {}

  // MARK: Threads

  /// Runs `body` over `0..<n` in contiguous chunks: serially (one call, no dispatch) when
  /// `n < minimum` or the backend has one thread, else split across the cores. Chunk starts are
  /// multiples of `align`. The default minimum keeps a 4096 × 10 score batch (the oracle's and the
  /// defenses' passes) on the calling thread: waking the pool costs more than the pass.
  @inline(__always)
  func parallelFor(_ n: Int, minimum: Int = 131_072, align: Int = 16, _ body: (Range<Int>) -> Void) {
    guard n > 0 else { return }
    if threads == 1 || n < minimum {
      body(0..<n)
      return
    }
    let chunks = Swift.min(4 * threads, Swift.max(2, n / Swift.max(1, minimum / 8)))
    let per = ((n + chunks - 1) / chunks + align - 1) / align * align
    let used = (n + per - 1) / per
    DispatchQueue.concurrentPerform(iterations: used) { c in
      let lo = c * per
      body(lo..<Swift.min(n, lo + per))
    }
  }
}
