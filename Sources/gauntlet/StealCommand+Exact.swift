import ArgumentParser
import Gauntlet

extension StealCommand {
  /// Runs an exact extraction attack (`structure` / `equation`) through one oracle session with
  /// the deployment's output mode and defense chain; prints the recovered architecture, the
  /// functional error and the queries, and writes the report (.json) or the extracted model (.gmodel).
  func runExact(_ spec: ExactExtractionSpec, text: String, victim: Sequential, box: ClosedRange<Float>,
                mode: OutputMode, backend: Backend) throws {
    guard !sweep, budgets == nil else {
      throw ValidationError("'\(text)' is an exact attack: it takes no --sweep or --budgets (give budget=N in the spec)")
    }
    guard monitors.isEmpty else {
      throw ValidationError("'\(text)' is an exact attack: --monitor is not supported with it (monitors watch the learning-based attacks)")
    }
    let defense = defenses.first ?? "none"
    let chain = try DefenseChain(parsing: defense, context: DefenseContext(surrogate: victim, key: 0x57EA1 &+ seed))
    let oracle = try Oracle(model: victim, configuration: OracleConfiguration(mode: mode, defenses: chain, inputBounds: box))
    let session = oracle.session(client: "thief")
    let network: ExtractedNetwork
    switch spec {
    case .structure(let options):
      let r = try StructureStealing.run(session: session, bounds: box, options: options, reference: victim)
      let linear = r.linearUnits > 0 ? " + \(r.linearUnits) linear units for the victim's linear part on the box" : ""
      print("structure stealing (\(defense)): recovered hidden width \(r.recoveredWidth) (true \(r.trueWidth.map(String.init) ?? "?"))\(linear); "
            + "extracted network \(r.architecture); "
            + "matched units \(r.matchedUnits.map(String.init) ?? "-"), min |cos| \(r.minWeightCosine.map { String(format: "%.6f", $0) } ?? "-"), "
            + "max |Δlogit| \(r.maxLogitDifference.map { String(format: "%.2e", $0) } ?? "-"); \(r.queries) queries, \(String(format: "%.2f", r.seconds)) s")
      network = r.network
      try writeJSONOuts(r)
    case .equation(let options):
      let r = try EquationSolving.run(session: session, bounds: box, options: options, reference: victim)
      print("equation solving (\(defense)): parameter error \(r.parameterError.map { String(format: "%.2e", $0) } ?? "-"), "
            + "max |Δlogit| \(r.maxLogitDifference.map { String(format: "%.2e", $0) } ?? "-"); \(r.queries) queries (\(r.equationQueries) to solve), \(String(format: "%.2f", r.seconds)) s")
      network = r.network
      try writeJSONOuts(r)
    }
    for path in outs where path.hasSuffix(".gmodel") {
      try network.makeModel(inputShape: victim.inputShape, on: backend).save(path: path)
      print("wrote \(path)")
    }
  }

  private func writeJSONOuts<T: Encodable>(_ report: T) throws {
    for path in outs where !path.hasSuffix(".gmodel") { try JSONOutput.write(report, to: path) }
  }
}
