import Foundation
import Testing
import Gauntlet

@Suite("Resume after SIGKILL")
struct ResumeAfterKillTests {
  /// Runs `gauntlet evaluate` and returns its exit status and output.
  static func evaluate(_ binary: String, config: String, out: String, delayMs: Int = 0) throws -> Process {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = ["evaluate", "--config", config, "--out", out, "--backend", "cpu"]
    var env = ProcessInfo.processInfo.environment
    env["GAUNTLET_EVAL_CELL_DELAY_MS"] = delayMs > 0 ? String(delayMs) : nil
    p.environment = env
    p.standardOutput = Pipe()
    p.standardError = FileHandle.nullDevice
    try p.run()
    return p
  }

  static func output(_ p: Process) -> String {
    String(decoding: (p.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  }

  static func cellFiles(_ out: String) -> [String: Data] {
    let dir = out + "/cells"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    var files: [String: Data] = [:]
    for n in names where n.hasSuffix(".json") && !n.hasPrefix(".") { files[n] = FileManager.default.contents(atPath: dir + "/" + n) }
    return files
  }

  @Test("kill -9 mid-run, rerun the same command: no finished cell lost or redone, same results")
  func resumeAfterKill() throws {
    let binary = try EvalFixtures.gauntletBinary()
    let dir = try EvalFixtures.temporaryDirectory("resume")
    let config = dir + "/experiment.json"
    try EvalFixtures.tinyConfigText(backends: ["cpu"]).write(toFile: config, atomically: true, encoding: .utf8)
    let total = ExperimentPlan(try ExperimentConfig.load(path: config)).cells.count

    // Reference: one uninterrupted run.
    let reference = dir + "/reference"
    let r = try Self.evaluate(binary, config: config, out: reference)
    _ = Self.output(r)
    r.waitUntilExit()
    #expect(r.terminationStatus == 0)

    // Interrupted run: cells are slowed down (test hook) so the kill lands mid-run.
    let out = dir + "/run"
    let p = try Self.evaluate(binary, config: config, out: out, delayMs: 400)
    let deadline = Date().addingTimeInterval(120)
    while Self.cellFiles(out).count < 2 && p.isRunning && Date() < deadline { usleep(20_000) }
    kill(p.processIdentifier, SIGKILL)
    p.waitUntilExit()
    #expect(p.terminationReason == .uncaughtSignal, "the run ended before it could be killed")
    let survived = Self.cellFiles(out)
    #expect(survived.count >= 2 && survived.count < total, "\(survived.count) of \(total) cells finished before the kill")
    #expect(!FileManager.default.fileExists(atPath: out + "/results.json"))

    // Same command again: resumes, keeps the finished cells byte for byte, completes.
    let again = try Self.evaluate(binary, config: config, out: out)
    let text = Self.output(again)
    again.waitUntilExit()
    #expect(again.terminationStatus == 0)
    #expect(text.contains("resuming: \(survived.count) of \(total) cells"), "output: \(text)")
    #expect(text.contains("\(total - survived.count) cell(s) run, \(survived.count) resumed"), "output: \(text)")
    let after = Self.cellFiles(out)
    #expect(after.count == total)
    for (name, data) in survived { #expect(after[name] == data, "cell \(name) changed after resuming") }
    #expect(try EvalFixtures.deterministicResults(out) == EvalFixtures.deterministicResults(reference))
  }

  @Test("an invalid configuration exits with status 2 and lists every problem before any work")
  func badConfigExitsEarly() throws {
    let binary = try EvalFixtures.gauntletBinary()
    let dir = try EvalFixtures.temporaryDirectory("badcli")
    let config = dir + "/experiment.json"
    try #"{"victim": {"recipe": "mlp:64-10", "epochs": -1}, "attacks": [{"attack": "nope", "budgets": [0]}]}"#
      .write(toFile: config, atomically: true, encoding: .utf8)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = ["evaluate", "--config", config, "--out", dir + "/out", "--quiet"]
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 2)
    #expect(text.contains("victim.epochs") && text.contains("attacks[0].attack") && text.contains("attacks[0].budgets[0]"), "stderr: \(text)")
    #expect(!FileManager.default.fileExists(atPath: dir + "/out"), "no work may start on an invalid config")
  }
}
