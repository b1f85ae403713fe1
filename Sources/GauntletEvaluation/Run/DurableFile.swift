import Foundation
import GauntletCore

/// Crash-safe file writes: write a temporary file in the same folder, `fsync` it, `rename` it over
/// the target, then `fsync` the folder. After a crash (even SIGKILL or power loss) the target is
/// either absent or complete, never partial.
public enum DurableFile {
  public static func write(_ data: Data, to path: String) throws {
    let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
    let tmp = dir + "/." + URL(fileURLWithPath: path).lastPathComponent + ".\(getpid()).tmp"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw GauntletError.io(path: tmp, detail: "cannot create (\(String(cString: strerror(errno))))") }
    var ok = true
    data.withUnsafeBytes { raw in
      var off = 0
      while off < raw.count {
        let n = Foundation.write(fd, raw.baseAddress! + off, raw.count - off)
        if n <= 0 { ok = false; break }
        off += n
      }
    }
    if ok && fsync(fd) != 0 { ok = false }
    close(fd)
    guard ok else {
      unlink(tmp)
      throw GauntletError.io(path: path, detail: "write or fsync failed (\(String(cString: strerror(errno)))); check free space")
    }
    guard rename(tmp, path) == 0 else {
      let e = String(cString: strerror(errno))
      unlink(tmp)
      throw GauntletError.io(path: path, detail: "rename failed (\(e))")
    }
    let dfd = open(dir, O_RDONLY)
    if dfd >= 0 { _ = fsync(dfd); close(dfd) }
  }

  /// Creates `path` and its parents if missing.
  public static func makeDirectory(_ path: String) throws {
    do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
      throw GauntletError.io(path: path, detail: "cannot create folder: \(error.localizedDescription)")
    }
  }
}
