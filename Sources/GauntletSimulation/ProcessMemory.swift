import Foundation

/// Resident memory of this process from `/proc/self/status` (Linux; nil elsewhere).
public enum ProcessMemory {
  /// Peak resident set size (`VmHWM`) in bytes.
  public static func peakResidentBytes() -> Int? { field("VmHWM:") }
  /// Current resident set size (`VmRSS`) in bytes.
  public static func residentBytes() -> Int? { field("VmRSS:") }

  /// Resets the peak to the current resident size (writes `5` to `/proc/self/clear_refs`), so that
  /// one process can measure several runs. Returns false where that is not possible.
  @discardableResult
  public static func resetPeak() -> Bool {
    guard let h = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
    defer { try? h.close() }
    do { try h.write(contentsOf: Data("5".utf8)) } catch { return false }
    return true
  }

  private static func field(_ name: String) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(name) {
      let parts = line.split(separator: " ", omittingEmptySubsequences: true)
      if parts.count >= 2, let kb = Int(parts[1]) { return kb * 1024 }
    }
    return nil
  }
}
