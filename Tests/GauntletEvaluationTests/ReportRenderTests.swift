import Foundation
import Testing
import Gauntlet

/// Headless Chromium (Debian package `chromium`, installed by scripts/setup-system.sh).
enum Chromium {
  static let path: String? = {
    let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map(String.init)
    for name in ["chromium", "chromium-browser", "google-chrome"] {
      for d in dirs where FileManager.default.isExecutableFile(atPath: d + "/" + name) { return d + "/" + name }
    }
    return nil
  }()

  /// Runs chromium headless with `arguments`; returns standard output. Killed after 90 s.
  static func run(_ arguments: [String], profile: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: try #require(path))
    p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=" + profile] + arguments
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = DispatchQueue.global().sync { () -> Data in
      let deadline = Date().addingTimeInterval(90)
      var d = Data()
      let h = out.fileHandleForReading
      while true {
        let chunk = h.availableData
        if chunk.isEmpty { break }
        d += chunk
        if Date() > deadline { p.terminate(); break }
      }
      return d
    }
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }
}

@Suite("HTML report in headless Chromium")
struct ReportRenderTests {
  @Test("report.html renders its SVG charts and image grids",
        .enabled(if: Chromium.path != nil || EvalFixtures.isCI,
                 "chromium is not installed: run scripts/setup-system.sh (apt-get install -y chromium) to run this test"))
  func rendersInChromium() throws {
    let chromium = Chromium.path
    if chromium == nil { Issue.record("CI=true but chromium is missing: scripts/setup-system.sh must install it"); return }
    let dir = try EvalFixtures.temporaryDirectory("report")
    let config = try EvalFixtures.tinyConfig(backends: EvalFixtures.backendNames)
    _ = try ExperimentRunner(config: config, outDirectory: dir, quiet: true, backend: EvalFixtures.provider).run()
    let report = URL(fileURLWithPath: dir + "/report.html").absoluteString

    // The DOM after load holds the charts: success-vs-queries ×2, robustness ×1, trade-off, throughput.
    let dom = try Chromium.run(["--dump-dom", report], profile: dir + "/profile1")
    #expect(dom.components(separatedBy: "<svg class=\"chart\"").count - 1 == 5, "DOM: \(dom.prefix(400))")
    #expect(dom.contains("<polyline class=\"series\""))
    #expect(dom.contains("data:image/png;base64,"))
    #expect(dom.contains("Throughput: CPU vs OpenCL"))

    // A screenshot of the report is far from blank: compare with a blank page of the same size.
    let blank = dir + "/blank.html"
    try "<!DOCTYPE html><html><body></body></html>".write(toFile: blank, atomically: true, encoding: .utf8)
    _ = try Chromium.run(["--window-size=1200,1600", "--screenshot=" + dir + "/report.png", report], profile: dir + "/profile2")
    _ = try Chromium.run(["--window-size=1200,1600", "--screenshot=" + dir + "/blank.png",
                          URL(fileURLWithPath: blank).absoluteString], profile: dir + "/profile3")
    let shot = try #require(FileManager.default.contents(atPath: dir + "/report.png"), "chromium wrote no screenshot")
    let empty = try #require(FileManager.default.contents(atPath: dir + "/blank.png"))
    #expect(shot.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
    #expect(shot.count > 10 * empty.count, "screenshot \(shot.count) bytes vs blank \(empty.count): the report looks blank")
  }
}
