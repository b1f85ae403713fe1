import Foundation
import GauntletCore

/// Reading and writing whole files as bytes, with `GauntletError.io` naming the path.
public enum FileBytes {
  /// The contents of `path`.
  static func read(_ path: String) throws -> [UInt8] {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
      throw GauntletError.io(path: path, detail: "no such file; check the path (relative paths start at the current directory)")
    }
    guard !isDir.boolValue else {
      throw GauntletError.io(path: path, detail: "is a directory, expected a file")
    }
    do {
      let data = try Data(contentsOf: URL(fileURLWithPath: path))
      return [UInt8](data)
    } catch {
      throw GauntletError.io(path: path, detail: "could not read: \(error.localizedDescription)")
    }
  }

  /// Writes `bytes` to `path` atomically and durably: a temporary file in the same directory,
  /// flushed with `fsync`, renamed over `path`, then the directory flushed too. A reader never sees
  /// a half-written file, and after a crash (even SIGKILL or power loss) `path` is either the old
  /// file, absent, or complete.
  public static func writeAtomically<Bytes: ContiguousBytes & Collection>(_ bytes: Bytes, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent().path
    let tmp = dir + "/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else {
      throw GauntletError.io(path: path, detail: "cannot create temporary file in '\(dir)': \(String(cString: strerror(errno)))")
    }
    var written = 0
    let ok: Bool = bytes.withUnsafeBytes { raw in
      while written < raw.count {
        let n = write(fd, raw.baseAddress! + written, raw.count - written)
        if n < 0 { if errno == EINTR { continue }; return false }
        written += n
      }
      return fsync(fd) == 0
    }
    let err = String(cString: strerror(errno))
    close(fd)
    guard ok else {
      unlink(tmp)
      throw GauntletError.io(path: path, detail: "write failed after \(written) of \(bytes.count) bytes: \(err)")
    }
    guard rename(tmp, path) == 0 else {
      let e = String(cString: strerror(errno))
      unlink(tmp)
      throw GauntletError.io(path: path, detail: "could not move the temporary file into place: \(e)")
    }
    let dfd = open(dir, O_RDONLY)
    if dfd >= 0 { _ = fsync(dfd); close(dfd) }
  }
}
