import ArgumentParser
import Foundation
import Gauntlet

/// `gauntlet conformance`: the engine's backend checks (the same ones the test suite runs) against a
/// device and the plain-Swift reference. Exit code 1 on any failure.
struct ConformanceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "conformance",
    abstract: "Check a backend against the plain-Swift reference: a pass/fail table per op, max error and tolerance.")

  @OptionGroup var backendOptions: BackendOptions

  @Option(help: "Only checks whose op or case contains this text.")
  var filter: String?

  @Option(help: "Seed for the generated inputs.")
  var seed: UInt64 = 0

  @Option(help: "Also write the report as JSON to this path.")
  var json: String?

  @Flag(help: "Print only failures and the summary.")
  var failuresOnly = false

  func run() throws {
    let backend = try backendOptions.make()
    let report = Conformance.run(on: backend, filter: filter, seed: seed)
    if failuresOnly {
      for f in report.failures { print("FAIL \(f.op) \(f.caseName): max error \(f.maxError), tolerance \(f.tolerance) \(f.detail ?? "")") }
    } else {
      print(report.table())
    }
    let failed = report.failures.count
    print("\(report.results.count - failed) passed, \(failed) failed on \(backend.name)")
    if let json {
      let enc = JSONEncoder()
      enc.outputFormatting = [.prettyPrinted, .sortedKeys]
      try enc.encode(report).write(to: URL(fileURLWithPath: json), options: .atomic)
    }
    if failed > 0 { throw ExitCode(1) }
  }
}
