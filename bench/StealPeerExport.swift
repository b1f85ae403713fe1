import Foundation
import Gauntlet

/// Gauntlet's half of the ART extraction side-by-side (`bench/peers/art_extraction.py`): exports
/// the digits victim (PyTorch safetensors), the thief pools (the training split with 10 k-means
/// groups; 2000 stroke images for Copycat) and the test split as NPY into `$GAUNTLET_PEER_DIR`
/// (default `peer`), and runs Copycat and Knockoff (random, adaptive) at budgets 250/500/1000
/// behind the defenses matching ART's postprocessors, five attack seeds each (medians and the
/// accuracy range are reported), on the first backend given, writing
/// `gauntlet-extraction.json` there and `bench/results/steal-peer.json`.
///
///     .build/release/gauntlet-bench steal-peer --backends cpu
///     python3 bench/peers/art_extraction.py --dir peer
enum StealPeerExport {
  /// ART postprocessor name → Gauntlet defense chain (same parameters).
  static let defenses: [(String, String)] = [
    ("none", "none"), ("GaussianNoise", "noise:sigma=0.2"), ("ReverseSigmoid", "reverse-sigmoid:beta=1,gamma=0.1"),
    ("Rounded", "round:1"), ("ClassLabels", "label-only"), ("HighConfidence", "threshold:0.8"),
  ]
  /// The `-labels` variants train on argmax labels, as ART's KnockoffNets does in effect (its
  /// PyTorchClassifier.fit reduces soft targets to labels under CrossEntropyLoss).
  static let attacks = [("copycat", "copycat"), ("knockoff-random", "knockoff:strategy=random"),
                        ("knockoff-adaptive", "knockoff:strategy=adaptive"),
                        ("knockoff-random-labels", "knockoff:strategy=random,answers=labels"),
                        ("knockoff-adaptive-labels", "knockoff:strategy=adaptive,answers=labels")]
  static let budgets = [250, 500, 1000]

  static func run(_ ctx: BenchContext) throws -> BenchReport {
    let dir = ProcessInfo.processInfo.environment["GAUNTLET_PEER_DIR"] ?? "peer"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    guard let be = ctx.backends.first else { throw GauntletError.invalidArgument(name: "backends", detail: "give one backend") }
    var report = BenchReport(name: "steal-peer", columns: ["attack", "postprocessor", "budget", "queries", "accuracy (median of 5 seeds)", "range", "fidelity", "seconds"])
    let victim = try VictimRecipes.digitsMLP(on: be, seed: 1)
    try victim.exportTorch(path: dir + "/victim.safetensors")
    let (train, test) = try Datasets.digitsTrainTest()
    let domain = try ThiefData(features: train.features, featureCount: 64, name: "digits-train").clustered(10)
    let strokes = try ThiefData.make(.strokes, domain: train.features, featureCount: 64, count: 2000, box: 0...1, seed: 0)
    try NPYWriter.write(path: dir + "/thief_domain.npy", shape: [domain.count, 64], values: domain.features)
    try NPYWriter.write(path: dir + "/thief_groups.npy", shape: [domain.count], values: (domain.groups ?? []).map(Float.init))
    try NPYWriter.write(path: dir + "/thief_strokes.npy", shape: [strokes.count, 64], values: strokes.features)
    try NPYWriter.write(path: dir + "/test_x.npy", shape: [test.count, 64], values: test.features)
    try NPYWriter.write(path: dir + "/test_y.npy", shape: [test.count], values: test.labels.map(Float.init))
    let evaluation = try ExtractionEvaluation(victim: victim, testInputs: test.features, testLabels: test.labels, box: 0...1,
                                              transferSamples: 0)
    var rows: [[String: String]] = []
    for (key, attack) in attacks {
      for (art, chain) in defenses {
        for b in budgets {
          // Five attack seeds (the thief pool fixed): median accuracy, fidelity and seconds, and the spread.
          var accs: [Double] = [], fids: [Double] = [], secs: [Double] = [], queries = 0
          for seed in UInt64(1)...5 {
            let oracle = try Oracle(model: victim, configuration: OracleConfiguration(
              mode: .probabilities, defenses: DefenseChain(parsing: chain, context: DefenseContext(key: 7)), inputBounds: 0...1))
            let t0 = Timing.now()
            let run = try Extraction.steal(oracle.session(client: "thief"), spec: ExtractionAttackSpec(parsing: attack).withBudget(b),
                                           thief: key == "copycat" ? strokes : domain, seed: seed)
            secs.append(Timing.now() - t0)
            let m = try evaluation.measure(run.substitute)
            accs.append(m.testAccuracy); fids.append(m.fidelityTest); queries = run.result.queries
          }
          func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
          rows.append(["attack": key, "postprocessor": art, "budget": "\(b)", "queries": "\(queries)",
                       "accuracy": "\(median(accs))", "fidelity": "\(median(fids))", "seconds": "\(median(secs))",
                       "accuracyMin": "\(accs.min()!)", "accuracyMax": "\(accs.max()!)", "accuracySeed1": "\(accs[0])"])
          report.add([key, art, "\(b)", "\(queries)", fmt(median(accs) * 100, 1) + "%",
                      fmt(accs.min()! * 100, 1) + "–" + fmt(accs.max()! * 100, 1) + "%", fmt(median(fids) * 100, 1) + "%", fmt(median(secs), 3)],
                     record: ["attack": key, "postprocessor": art, "budget": b, "queries": queries, "accuracy": median(accs),
                              "accuracyMin": accs.min()!, "accuracyMax": accs.max()!, "fidelity": median(fids), "seconds": median(secs)])
        }
      }
    }
    let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys])
    try data.write(to: URL(fileURLWithPath: dir + "/gauntlet-extraction.json"))
    return report
  }
}
