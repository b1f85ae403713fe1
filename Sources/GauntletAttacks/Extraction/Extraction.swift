import Foundation
import GauntletCore
import GauntletModels
import GauntletOracle

/// Model extraction through black-box queries: the entry point of every learning-based attack.
///
/// The attack sees an `OracleSession` only (queries, its own accounting, the deployment's public
/// facts); it never spends more than `spec.budget` rows, and stops early, without failing, when
/// the deployment refuses (its own limit, a monitor revoking the budget). The substitute is
/// trained on `backend` (any backend; default the oracle's). Metrics need the victim and come
/// from the evaluator (`ExtractionEvaluation`), never from the thief.
///
/// ```swift
/// let spec = try ExtractionAttackSpec(parsing: "knockoff:budget=1000,strategy=adaptive")
/// let thief = try ThiefData(features: train.features, featureCount: 64, name: "digits-train")
/// let run = try Extraction.steal(oracle.session(client: "thief"), spec: spec, thief: thief,
///                                evaluation: try ExtractionEvaluation(victim: victim, testInputs: test.features,
///                                                                     testLabels: test.labels, box: 0...1))
/// print(run.result.metrics!.fidelityTest, run.result.queries)
/// try run.substitute.save(path: "thief.gmodel")
/// ```
public enum Extraction {
  public static func steal(_ session: OracleSession, spec: ExtractionAttackSpec, thief: ThiefData,
                           backend: Backend? = nil, seed: UInt64? = nil,
                           evaluation: ExtractionEvaluation? = nil) throws -> ExtractionRun {
    let started = ContinuousClock.now
    var o = try spec.options()
    if let seed { o.seed = seed }
    guard thief.featureCount == session.featureCount else {
      throw GauntletError.shapeMismatch(operation: "Extraction.steal",
                                        detail: "thief data has \(thief.featureCount) features per row; the oracle takes \(session.featureCount)")
    }
    let box = session.inputBounds ?? thiefBox(thief)
    if let b = session.inputBounds, let bad = thief.features.firstIndex(where: { $0 < b.lowerBound || $0 > b.upperBound }) {
      throw GauntletError.invalidArgument(name: "thief", detail: "thief row \(bad / thief.featureCount) has a value outside the oracle's input box \(b); clamp the thief data")
    }
    if spec.method == .dfme && o.labelsOnly {
      throw GauntletError.invalidArgument(name: "answers", detail: "dfme needs scores to estimate gradients; drop answers=labels")
    }
    let be = backend ?? session.backend
    let sub = try SubstituteTraining.build(o.architecture, features: session.featureCount, classes: session.classCount,
                                           on: be, seed: o.seed &+ 1)
    let ledger = ThiefLedger(session: session, budget: o.budget, labelsOnly: o.labelsOnly)
    let c = ExtractionContext(ledger: ledger, thief: thief, options: o, substitute: sub, box: box)
    switch spec.method {
    case .substitute, .copycat: try KnockoffNets.random(c)
    case .knockoff: try o.strategy == "adaptive" ? KnockoffNets.adaptive(c) : KnockoffNets.random(c)
    case .jbda: try JacobianAugmentation.run(c)
    case .activethief: try ActiveThief.run(c)
    case .genetic: try QuerySynthesis.genetic(c)
    case .boundary: try QuerySynthesis.boundary(c)
    case .dfme: try DataFreeExtraction.run(c)
    }
    if c.rounds == 0 { try c.train() }   // e.g. the deployment refused everything: still report the (untrained) substitute
    ledger.finish()
    let usage = session.usage
    var result = ExtractionResult(
      attack: spec.text, method: spec.method.rawValue, budget: o.budget, queries: ledger.used, stoppedEarly: ledger.stopReason,
      revealed: ledger.revealed?.description ?? session.mode.description, trainedOn: ledger.usedScores ? "scores" : "labels",
      temperature: o.temperature, thiefData: thief.name, thiefPool: thief.count, substitute: sub.spec.description,
      backend: be.name, seed: o.seed, rounds: c.rounds, seconds: 0, querySeconds: ledger.querySeconds,
      trainSeconds: c.trainSeconds, defense: session.defenseSpec, alarms: usage.alarms,
      queriesToDetection: usage.alarms.map { $0.queryIndex + 1 }.min(), metrics: nil)
    result.seconds = seconds(since: started)
    if let evaluation { result.metrics = try evaluation.measure(sub) }
    return ExtractionRun(result: result, substitute: sub)
  }

  static func thiefBox(_ t: ThiefData) -> ClosedRange<Float> {
    let lo = t.features.min() ?? 0, hi = t.features.max() ?? 1
    return lo < hi ? lo...hi : lo...(lo + 1)
  }
}
