import Foundation
import Testing
import Gauntlet

/// Gauntlet's half of the ART side-by-side (`bench/peers/art_score_attacks.py`): with
/// `GAUNTLET_PEER_DIR` set, exports the digits victim (PyTorch safetensors), the 100 correctly
/// classified test points (NPY), and runs every score-based attack with the parameters the peer
/// script matches, writing `gauntlet-score.json` there. Skipped otherwise.
///
///     GAUNTLET_PEER_DIR=peer swift test -c release --filter ScorePeerExport
///     python3 bench/peers/art_score_attacks.py --dir peer
@Suite struct ScorePeerExport {
  static let dir = ProcessInfo.processInfo.environment["GAUNTLET_PEER_DIR"]

  /// The matched configurations (names are the keys the peer script uses).
  static func attacks() throws -> [(String, any ScoreBasedAttack)] {
    [
      ("square-linf", try SquareAttack(norm: .linf, epsilon: 0.2, maxQueries: 1_000, pInit: 0.3)),
      ("square-l2", try SquareAttack(norm: .l2, epsilon: 1.5, maxQueries: 1_000, pInit: 0.3)),
      ("simba-pixel", try SimBA(basis: .pixel, epsilon: 0.2, maxQueries: 1_000)),
      ("simba-dct", try SimBA(basis: .dct(initialSize: 4, stride: 1), epsilon: 0.2, maxQueries: 1_000)),
      ("zoo", try ZOOAttack(c: 10, learningRate: 0.01, coordinatesPerStep: 32, h: 0.0001, maxQueries: 4_000)),
      ("nes-linf", try GradientEstimationAttack.nes(norm: .linf, epsilon: 0.2, maxQueries: 2_000, sigma: 0.001, q: 25,
                                                    stepSize: 0.04, loss: .crossEntropy)),
    ]
  }

  @Test(.enabled(if: dir != nil, "set GAUNTLET_PEER_DIR to export the peer comparison inputs"))
  func exportVictimPointsAndGauntletRuns() throws {
    let dir = try #require(Self.dir)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let be = Fixtures.cpu
    let victim = try Fixtures.victim(on: be)
    try victim.exportTorch(path: dir + "/victim.safetensors")
    let (x, y) = try Fixtures.points(100, on: be)
    try NPYWriter.write(path: dir + "/points_x.npy", shape: [y.count, 64], values: x.toArray())
    try NPYWriter.write(path: dir + "/points_y.npy", shape: [y.count], values: y.map(Float.init))
    var out: [String: AttackSummary] = [:]
    for (key, attack) in try Self.attacks() {
      let oracle = try Fixtures.oracle(on: be)
      let run = try attack.run(oracle.session(client: key), inputs: x, labels: y)
      out[key] = run.summary
      print("gauntlet \(key): success \(run.summary.successRate), mean queries \(run.summary.meanQueries), \(run.summary.seconds) s")
    }
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys]
    try enc.encode(out).write(to: URL(fileURLWithPath: dir + "/gauntlet-score.json"))
  }
}
