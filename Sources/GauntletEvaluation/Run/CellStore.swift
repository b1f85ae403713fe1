import Foundation
import GauntletCore

/// An output folder of an experiment: `config.json` (the experiment it belongs to) and one
/// `cells/<cell>.json` per finished cell, each written durably as the cell completes.
public struct CellStore: Sendable {
  public let directory: String
  public var cellsDirectory: String { directory + "/cells" }
  public var configPath: String { directory + "/config.json" }

  public init(directory: String) { self.directory = directory }

  static func encoder() -> JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys]
    return e
  }

  /// Creates the folder for `config`, or checks that an existing one holds the same experiment
  /// (so a rerun resumes instead of mixing two experiments).
  public func prepare(for config: ExperimentConfig) throws {
    try DurableFile.makeDirectory(cellsDirectory)
    // Temporary files of writes a crash interrupted (`FileBytes.writeAtomically` names them
    // `.NAME.tmp-PID-RANDOM`): never complete cells, safe to drop.
    for f in (try? FileManager.default.contentsOfDirectory(atPath: cellsDirectory)) ?? [] where f.hasPrefix(".") && f.contains(".tmp-") {
      try? FileManager.default.removeItem(atPath: cellsDirectory + "/" + f)
    }
    let data = try Self.encoder().encode(config)
    if let existing = FileManager.default.contents(atPath: configPath) {
      guard let old = try? JSONDecoder().decode(ExperimentConfig.self, from: existing), old == config else {
        throw GauntletError.invalidArgument(
          name: "out", detail: "'\(directory)' holds results of a different experiment; choose another --out folder or delete it")
      }
      return
    }
    try DurableFile.write(data, to: configPath)
  }

  /// The experiment this folder belongs to.
  public func config() throws -> ExperimentConfig {
    guard let data = FileManager.default.contents(atPath: configPath) else {
      throw GauntletError.io(path: configPath, detail: "missing: not an experiment output folder (run `gauntlet evaluate` first)")
    }
    do { return try JSONDecoder().decode(ExperimentConfig.self, from: data) } catch {
      throw GauntletError.malformedFile(path: configPath, detail: "\(error)")
    }
  }

  public func path(of cell: PlannedCell) -> String { cellsDirectory + "/" + cell.fileStem + ".json" }

  /// Writes one finished cell durably.
  public func save(_ result: CellResult) throws {
    try DurableFile.write(try Self.encoder().encode(result), to: path(of: result.cell))
  }

  /// The stored result of `cell`, if it finished (a file for another cell id is ignored).
  public func load(_ cell: PlannedCell) -> CellResult? {
    guard let data = FileManager.default.contents(atPath: path(of: cell)),
          let r = try? JSONDecoder().decode(CellResult.self, from: data), r.cell == cell else { return nil }
    return r
  }
}
