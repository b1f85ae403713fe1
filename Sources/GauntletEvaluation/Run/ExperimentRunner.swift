import Foundation
import GauntletCore
import GauntletDefenses
import GauntletModels
import GauntletOracle

/// Runs an experiment's cells (or one shard of them) into an output folder, skipping cells that
/// already finished there, so rerunning the same command after a crash resumes where it stopped.
/// When the folder holds every cell of the plan it writes `results.json`, `report.html`,
/// `summary.md` and `images/`.
///
/// ```swift
/// let runner = ExperimentRunner(config: config, outDirectory: "out", backend: { try BackendChoice(parsing: $0).make() })
/// let summary = try runner.run()
/// ```
public struct ExperimentRunner {
  /// Makes the backend named in the configuration (`cpu`, `opencl`, `auto`).
  public typealias BackendProvider = (String) throws -> Backend

  public var config: ExperimentConfig
  public var outDirectory: String
  public var shard: ShardSpec
  public var quiet: Bool
  public var backend: BackendProvider
  /// Status lines (cells resumed, outputs written); silent when `quiet`.
  public var log: (String) -> Void

  public init(config: ExperimentConfig, outDirectory: String, shard: ShardSpec = .whole, quiet: Bool = false,
              backend: @escaping BackendProvider, log: @escaping (String) -> Void = { print($0) }) {
    self.config = config; self.outDirectory = outDirectory; self.shard = shard; self.quiet = quiet
    self.backend = backend; self.log = log
  }

  /// What a run did.
  public struct Summary: Sendable {
    public var planned: Int
    public var inShard: Int
    public var resumed: Int
    public var ran: Int
    /// Whether the folder now holds every cell and the outputs were written.
    public var complete: Bool
  }

  public func run() throws -> Summary {
    let store = CellStore(directory: outDirectory)
    try store.prepare(for: config)
    let plan = ExperimentPlan(config)
    let mine = plan.slice(shard)
    let say: (String) -> Void = quiet ? { _ in } : log
    var pending: [PlannedCell] = []
    var resumed = 0
    for c in mine { if store.load(c) != nil { resumed += 1 } else { pending.append(c) } }
    if resumed > 0 { say("resuming: \(resumed) of \(mine.count) cells already finished in \(outDirectory)") }
    let bar = ProgressBar(total: mine.count, label: "evaluate \(config.name)" + (shard.count > 1 ? " shard \(shard)" : ""), quiet: quiet)
    bar.update(resumed)
    let delay = ProcessInfo.processInfo.environment["GAUNTLET_EVAL_CELL_DELAY_MS"].flatMap(Int.init) ?? 0
    if !pending.isEmpty {
      let builder = VictimBuilder(config: config.victim, quiet: true)
      var backends: [String: Backend] = [:]
      var victims: [String: VictimContext] = [:]
      func victim(_ name: String) throws -> VictimContext {
        if let v = victims[name] { return v }
        // The recipe victim is always trained on the CPU backend first, so every shard and every
        // backend attacks identical weights.
        if case .recipe = config.victim, victims["cpu"] == nil, name != "cpu" { _ = try victim("cpu") }
        let b = try backends[name] ?? backend(name)
        backends[name] = b
        let v = try builder.victim(on: b, name: name)
        victims[name] = v
        return v
      }
      var done = resumed
      for cell in pending {
        let result: CellResult
        do { result = try CellExecutor.run(cell, config: config, victim: victim(cell.backend)) } catch {
          bar.finish()
          throw CellFailure(cell: cell.id, underlying: error)
        }
        try store.save(result)
        done += 1
        bar.update(done, suffix: cell.kind + " " + (result.attack ?? "") + " vs " + cell.defense)
        if delay > 0 { usleep(UInt32(delay) * 1000) }
      }
    }
    bar.finish()
    let finished = plan.cells.filter { store.load($0) != nil }.count
    var summary = Summary(planned: plan.cells.count, inShard: mine.count, resumed: resumed, ran: pending.count, complete: false)
    if finished == plan.cells.count {
      try ExperimentOutputs.write(config: config, plan: plan, store: store, into: outDirectory)
      summary.complete = true
      say("wrote \(outDirectory)/results.json, report.html, summary.md (\(plan.cells.count) cells)")
    } else {
      say("shard \(shard): \(mine.count) cells done; \(plan.cells.count - finished) cells of the plan are in other shards — "
          + "combine with `gauntlet merge DIR... --out DIR`")
    }
    return summary
  }
}
