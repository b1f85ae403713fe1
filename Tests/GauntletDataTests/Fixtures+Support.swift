import Foundation
import Testing
@testable import GauntletData
import GauntletCore

/// Paths of the fixtures next to this file (made by scripts/make-data-fixtures.py and
/// scripts/export_pytorch.py), reached through `#filePath` rather than a resource bundle.
enum Fixture {
  static func path(_ name: String, file: String = #filePath) -> String {
    URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name).path
  }

  static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name)))) }

  /// The formulas the fixture script uses, recomputed here.
  static func pattern(_ n: Int) -> [Float] { (0 ..< n).map { Float($0 % 7) * 0.25 - 0.5 } }
  static func ints(_ n: Int) -> [Float] { (0 ..< n).map { Float($0 - 5) } }
  static func bytesPattern(_ n: Int) -> [Float] { (0 ..< n).map { Float(($0 * 7) % 256) } }
  static func classes(_ n: Int) -> [Int32] { (0 ..< n).map { Int32($0 % 3) } }

  /// A fresh temporary directory for written files.
  static func tempDir() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gauntlet-data-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.path
  }
}

/// Whether `body` threw a `malformedFile` whose detail contains `fragment` (case-insensitive).
func expectMalformed(_ fragment: String, sourceLocation: SourceLocation = #_sourceLocation,
                     _ body: () throws -> Void) {
  do {
    try body()
    Issue.record("expected malformedFile containing '\(fragment)', got success", sourceLocation: sourceLocation)
  } catch let GauntletError.malformedFile(_, detail) {
    #expect(detail.lowercased().contains(fragment.lowercased()), "detail was: \(detail)", sourceLocation: sourceLocation)
  } catch {
    Issue.record("expected malformedFile containing '\(fragment)', got \(error)", sourceLocation: sourceLocation)
  }
}
