import Foundation
import GauntletCore

/// Reading and writing whole files as bytes, with `GauntletError.io` naming the path.
enum FileBytes {
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

  /// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed, then
  /// renamed over `path`, so a reader never sees a half-written file.
  static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
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
  }
}
