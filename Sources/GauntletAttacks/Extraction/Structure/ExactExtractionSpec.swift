import Foundation
import GauntletCore

/// `gauntlet steal --attack structure[:…]` / `equation[:…]`: the exact (cryptanalytic) extraction
/// attacks of `Extraction/Structure/`, parsed from the same `NAME[:key=value,…]` grammar as the
/// learning-based ones.
///
/// - `structure`: `budget` (rows, default unlimited), `lines` (48), `cells` (16), `validation` (256), `seed` (0).
///   Carlini, Jagielski & Mironov 2020; Rolnick & Kording 2020; Jagielski et al. 2020.
/// - `equation`: `budget`, `queries` (≥ d + 1; default d + 1), `design` (`random` | `basis`),
///   `validation` (64), `seed`. Tramèr et al. 2016.
public enum ExactExtractionSpec: Sendable, Hashable {
  case structure(StructureStealing.Options)
  case equation(EquationSolving.Options)

  public static let names = ["structure", "equation"]

  /// nil when `text` names a learning-based attack (left to `ExtractionAttackSpec`).
  public static func parse(_ text: String) throws -> ExactExtractionSpec? {
    let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
    guard let head = parts.first else { return nil }     // "" or ":": left to ExtractionAttackSpec's error
    let name = head.lowercased().trimmingCharacters(in: .whitespaces)
    guard names.contains(name) else { return nil }
    var params: [String: String] = [:]
    for item in (parts.count > 1 ? parts[1] : "").split(separator: ",") {
      let kv = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      guard kv.count == 2, !kv[0].isEmpty, !kv[1].isEmpty else {
        throw GauntletError.invalidArgument(name: "attack", detail: "'\(text)': '\(item)' is not key=value")
      }
      params[kv[0].lowercased()] = kv[1]
    }
    let valid: Set<String> = name == "structure" ? ["budget", "lines", "cells", "validation", "seed"]
                                                 : ["budget", "queries", "design", "validation", "seed"]
    if let bad = params.keys.sorted().first(where: { !valid.contains($0) }) {
      throw GauntletError.invalidArgument(name: "attack", detail: "'\(text)': \(name) has no parameter '\(bad)'; it takes \(valid.sorted().joined(separator: ", "))")
    }
    func int(_ k: String, min lo: Int) throws -> Int? {
      guard let s = params[k] else { return nil }
      guard let v = Int(s), v >= lo else {
        throw GauntletError.invalidArgument(name: k, detail: "'\(s)' in '\(text)' must be an integer ≥ \(lo)")
      }
      return v
    }
    let seed = UInt64(try int("seed", min: 0) ?? 0)
    if name == "structure" {
      var o = StructureStealing.Options(seed: seed)
      o.maxQueries = try int("budget", min: 1)
      if let v = try int("lines", min: 1) { o.lines = v }
      if let v = try int("cells", min: 1) { o.initialCells = v }
      if let v = try int("validation", min: 0) { o.validationPoints = v }
      return .structure(o)
    }
    var o = EquationSolving.Options(seed: seed)
    o.maxQueries = try int("budget", min: 1)
    o.queries = try int("queries", min: 1)
    if let v = try int("validation", min: 0) { o.validationPoints = v }
    if let d = params["design"] {
      guard let design = EquationSolving.Design(rawValue: d.lowercased()) else {
        throw GauntletError.invalidArgument(name: "design", detail: "'\(d)' in '\(text)'; use random or basis")
      }
      o.design = design
    }
    return .equation(o)
  }
}
