import Foundation
import Gauntlet

/// Oracle overhead per query against the bare model (host rows → probabilities on the host) at
/// batch 1 and 4096, for each output defense, per backend. The digits MLP is the victim.
enum OracleBench {
  static let defenses = ["none", "round:2", "topk:3", "label-only", "noise:gaussian,sigma=0.05", "threshold:0.5",
                         "reverse-sigmoid:beta=1,gamma=0.1", "deceptive", "dawn:rate=0.05"]

  static func run(_ ctx: BenchContext) throws -> BenchReport {
    var report = BenchReport(name: "oracle", columns: ["defense", "batch", "backend", "median ms", "queries/s", "overhead"])
    let spec = try ModelSpec(parsing: "mlp:64-128-64-10")
    for be in ctx.backends {
      let model = try spec.build(on: be, seed: 3)
      for batch in [1, 4096] {
        let host = Philox.fill(.uniform(lo: 0, hi: 1), key: PhiloxKey(seed: 9), counter: 0, count: batch * 64)
        var out = [Float](repeating: 0, count: batch * 10)
        let repeats = batch == 1 ? 401 : 31
        func bareRun() throws {
          let p = try model.probabilities(try Tensor(host, shape: [batch, 64], on: be))
          try out.withUnsafeMutableBufferPointer { try be.download(p.buffer, offset: 0, into: $0) }
        }
        let bare = try Timing.median(warmup: 3, repeats: repeats, maxSeconds: 2) { try bareRun() }
        report.add(["bare model", "\(batch)", be.name, fmt(bare * 1e3, 4), fmt(Double(batch) / bare, 0), "-"],
                   record: ["defense": "bare", "batch": batch, "backend": be.name, "seconds": bare])
        for d in defenses {
          let chain = try DefenseChain(parsing: d, context: DefenseContext(key: 1))
          let oracle = try Oracle(model: model, configuration: OracleConfiguration(defenses: chain))
          // The bare model is re-measured interleaved with each defense: the overhead is the ratio
          // of the two medians taken side by side, not against a reference taken minutes earlier.
          let (b, t) = try Timing.interleavedMedians(warmup: 3, repeats: repeats, maxSeconds: 4, bareRun) {
            let a = try oracle.query(host)   // host rows in, as the bare model gets them
            _ = d == "label-only" ? a.labels.count : try a.scoreArray().count
          }
          let overhead = (t / b - 1) * 100
          report.add([d, "\(batch)", be.name, fmt(t * 1e3, 4), fmt(Double(batch) / t, 0), fmt(overhead, 1) + "%"],
                     record: ["defense": d, "batch": batch, "backend": be.name, "seconds": t, "bareSeconds": b,
                              "overheadPercent": overhead])
        }
      }
    }
    return report
  }
}
