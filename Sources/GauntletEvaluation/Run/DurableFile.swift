import Foundation
import GauntletCore
import GauntletData

/// Crash-safe file writes for experiment outputs (`FileBytes.writeAtomically`: temporary file,
/// `fsync`, `rename`, folder `fsync`). After a crash (even SIGKILL or power loss) the target is
/// either absent or complete, never partial.
public enum DurableFile {
  public static func write(_ data: Data, to path: String) throws {
    try FileBytes.writeAtomically(data, to: path)
  }

  /// Creates `path` and its parents if missing.
  public static func makeDirectory(_ path: String) throws {
    do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
      throw GauntletError.io(path: path, detail: "cannot create folder: \(error.localizedDescription)")
    }
  }
}
