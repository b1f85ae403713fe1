import Foundation
import GauntletCore

/// `gauntlet merge`: combines the output folders of the shards of one experiment into one folder
/// with every cell, then writes the same outputs an unsharded run writes.
public enum ExperimentMerger {
  /// Returns the number of cells merged. Throws when the folders hold different experiments or
  /// when cells of the plan are missing from all of them.
  @discardableResult
  public static func merge(_ directories: [String], into out: String) throws -> Int {
    guard let first = directories.first else {
      throw GauntletError.invalidArgument(name: "merge", detail: "give at least one shard output folder")
    }
    let config = try CellStore(directory: first).config()
    for d in directories.dropFirst() where try CellStore(directory: d).config() != config {
      throw GauntletError.invalidArgument(name: "merge", detail: "'\(d)' holds a different experiment than '\(first)'")
    }
    let target = CellStore(directory: out)
    try target.prepare(for: config)
    let plan = ExperimentPlan(config)
    var missing: [String] = []
    for c in plan.cells where target.load(c) == nil {
      guard let r = directories.lazy.compactMap({ CellStore(directory: $0).load(c) }).first else { missing.append(c.id); continue }
      try target.save(r)
    }
    guard missing.isEmpty else {
      throw GauntletError.invalidArgument(name: "merge", detail: "\(missing.count) of \(plan.cells.count) cells are in none of the folders (e.g. \(missing.prefix(3).joined(separator: "; "))); run the missing shards and merge again")
    }
    try ExperimentOutputs.write(config: config, plan: plan, store: target, into: out)
    return plan.cells.count
  }
}
