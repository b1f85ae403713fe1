import Foundation

/// A one-line progress bar on standard error: fraction, rate and ETA.
///
/// It writes only when standard error is a terminal and `quiet` is false, so logs, pipes and
/// tests stay clean. Redraws are throttled to ten per second. Reusable by any long loop
/// (training, attacks, experiments).
///
/// ```swift
/// let bar = ProgressBar(total: batches, label: "epoch 1/10")
/// for i in 0..<batches { …; bar.update(i + 1, suffix: "loss 0.31") }
/// bar.finish()
/// ```
/// renders `epoch 1/10 [##########----------]  50% 45/90 123.4 it/s ETA 0:00:01 loss 0.31`.
public final class ProgressBar: @unchecked Sendable {
  // @unchecked Sendable: mutable state is only touched while holding `lock`.
  public let total: Int
  public let label: String
  /// Whether this bar draws anything (not quiet and standard error is a TTY).
  public let isActive: Bool
  private let width: Int
  private let start = ContinuousClock.now
  private var lastDraw: ContinuousClock.Instant?
  private var completed = 0
  private let lock = NSLock()

  public init(total: Int, label: String = "", quiet: Bool = false, width: Int = 24) {
    self.total = max(total, 0)
    self.label = label
    self.width = max(width, 4)
    self.isActive = !quiet && isatty(FileHandle.standardError.fileDescriptor) == 1
  }

  /// Sets the number of completed units and redraws (at most ten times a second).
  public func update(_ completed: Int, suffix: String = "") {
    lock.withLock {
      self.completed = min(max(completed, 0), total)
      guard isActive else { return }
      let now = ContinuousClock.now
      if let last = lastDraw, now - last < .milliseconds(100), self.completed < total { return }
      lastDraw = now
      draw(suffix: suffix, end: "")
    }
  }

  /// Adds `count` completed units.
  public func advance(by count: Int = 1, suffix: String = "") {
    let next = lock.withLock { completed + count }
    update(next, suffix: suffix)
  }

  /// Draws the final state and ends the line.
  public func finish(suffix: String = "") {
    lock.withLock {
      guard isActive else { return }
      draw(suffix: suffix, end: "\n")
    }
  }

  private func draw(suffix: String, end: String) {
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let line = ProgressBar.render(label: label, completed: completed, total: total, elapsedSeconds: seconds,
                                  width: width, suffix: suffix)
    FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K" + end).utf8))
  }

  /// The bar's text (pure: no I/O), e.g. `label [#####-----]  50% 5/10 2.0 it/s ETA 0:00:02`.
  public static func render(label: String, completed: Int, total: Int, elapsedSeconds: Double,
                            width: Int = 24, suffix: String = "") -> String {
    let fraction = total > 0 ? min(max(Double(completed) / Double(total), 0), 1) : 1
    let filled = Int((fraction * Double(width)).rounded(.down))
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    let rate = elapsedSeconds > 0 ? Double(completed) / elapsedSeconds : 0
    let eta = rate > 0 ? Double(total - completed) / rate : nil
    var parts: [String] = []
    if !label.isEmpty { parts.append(label) }
    parts.append("[\(bar)]")
    parts.append(String(format: "%3d%%", Int((fraction * 100).rounded(.down))))
    parts.append("\(completed)/\(total)")
    parts.append(String(format: "%.1f it/s", rate))
    parts.append("ETA " + (eta.map(clock) ?? "--:--:--"))
    if !suffix.isEmpty { parts.append(suffix) }
    return parts.joined(separator: " ")
  }

  static func clock(_ seconds: Double) -> String {
    let s = Int(seconds.rounded(.up))
    return String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
  }
}
