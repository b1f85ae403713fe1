import Foundation
import GauntletCore
import GauntletOracle

/// Codebooks of one `NoiseDefense`, uploaded once per backend and class count.
final class CodebookCache: @unchecked Sendable {
  // Safe: `books` is only touched under `lock`. Each entry holds its backend strongly, so a
  // backend's identity cannot be reused by another while its codebook is cached.
  private let lock = NSLock()
  private var books: [(backend: Backend, classes: Int, buffer: DeviceBuffer)] = []

  func get(_ d: NoiseDefense, classes: Int, on backend: Backend) throws -> DeviceBuffer {
    try lock.withLock {
      if let e = books.first(where: { $0.backend === backend && $0.classes == classes }) { return e.buffer }
      let b = try backend.makeBuffer(NoiseDefense.codebook(kind: d.kind, scale: d.scale, key: d.key, classes: classes))
      books.append((backend, classes, b))
      return b
    }
  }
}
