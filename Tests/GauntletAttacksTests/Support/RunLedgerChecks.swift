import Testing
import Gauntlet

/// The checks every black-box attack run must pass, whatever its family: the oracle's ledger
/// agrees with the run's loss / success-check counts (in total and per sample), each sample stays
/// within its query budget and the input box, and every claimed success is confirmed by a fresh
/// query of the adversarial point.
enum RunLedgerChecks {
  static func expectConsistent(_ run: AttackRun, oracle: Oracle, client: String, labels y: [Int32], maxQueries: Int,
                               tag: Comment) throws {
    let usage = oracle.usage(of: client)
    #expect(usage.answered.loss == run.samples.reduce(0) { $0 + $1.lossQueries }, tag)
    #expect(usage.answered.successCheck == run.samples.reduce(0) { $0 + $1.checkQueries }, tag)
    #expect(usage.answered.other == 0, tag)
    let check = try oracle.query(run.samples.flatMap(\.adversarial), client: "verifier", purpose: .other)
    for (i, s) in run.samples.enumerated() {
      #expect(s.index == i, tag)
      #expect(s.totalQueries <= maxQueries, tag)
      #expect(usage.perSample[i]?.loss ?? 0 == s.lossQueries && usage.perSample[i]?.successCheck ?? 0 == s.checkQueries, tag)
      #expect(s.adversarial.allSatisfy { $0 >= 0 && $0 <= 1 }, tag)
      if s.success { #expect(check.labels[i] != y[i] && check.labels[i] == s.finalLabel, tag) }
    }
  }
}
