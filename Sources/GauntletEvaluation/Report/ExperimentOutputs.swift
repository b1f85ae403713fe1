import Foundation
import GauntletCore

/// Writes an output folder's combined outputs from its cells: `results.json`, `summary.md`,
/// `report.html` and `images/*.png`. `gauntlet evaluate` and `gauntlet merge` both end here, so a
/// merged folder's outputs are built exactly as an unsharded run's.
public enum ExperimentOutputs {
  public static func write(config: ExperimentConfig, plan: ExperimentPlan, store: CellStore, into directory: String) throws {
    var cells: [CellResult] = []
    var missing: [String] = []
    for c in plan.cells {
      if let r = store.load(c) { cells.append(r) } else { missing.append(c.id) }
    }
    guard missing.isEmpty else {
      throw GauntletError.invalidArgument(name: "cells", detail: "\(missing.count) cell(s) of the plan are not finished, e.g. \(missing.prefix(3).joined(separator: "; ")); run the missing shards first")
    }
    var devices: [String: String] = [:]
    for c in cells { devices[c.cell.backend] = c.device }
    let results = ExperimentResults(experiment: config, environment: .current(devices: devices), cells: cells)
    try DurableFile.write(CellStore.encoder().encode(results), to: directory + "/results.json")
    try DurableFile.write(Data(SummaryTable.markdown(results).utf8), to: directory + "/summary.md")
    let (html, images) = HTMLReport.render(results)
    if !images.isEmpty { try DurableFile.makeDirectory(directory + "/images") }
    for (file, png) in images { try DurableFile.write(Data(png), to: directory + "/" + file) }
    try DurableFile.write(Data(html.utf8), to: directory + "/report.html")
  }
}
