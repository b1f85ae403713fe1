import Foundation
import Gauntlet

/// Victim forward queries/s (host rows → probabilities on the host) at batch 1, 64 and 4096 for the
/// digits MLP and a 784-256-256-10 MLP, per backend, beside PyTorch-CPU on the same weights when
/// `python3 -c "import torch"` works; plus training samples/s per backend.
enum ForwardBench {
  static let models = ["mlp:64-128-64-10", "mlp:784-256-256-10"]
  static let batches = [1, 64, 4096]

  static func run(_ ctx: BenchContext) throws -> BenchReport {
    var report = BenchReport(name: "forward", columns: ["model", "batch", "engine", "median ms", "queries/s", "× torch"])
    for arch in models {
      let spec = try ModelSpec(parsing: arch)
      let features = spec.inputShape.reduce(1, *)
      var torchTimes: [Int: Double] = [:]
      if let first = ctx.backends.first {
        let path = NSTemporaryDirectory() + "gauntlet-bench-\(getpid()).safetensors"
        try spec.build(on: first, seed: 3).exportTorch(path: path)
        torchTimes = PyTorchPeer.forwardSeconds(model: path, batches: batches)
        try? FileManager.default.removeItem(atPath: path)
      }
      for batch in batches {
        if let t = torchTimes[batch] {
          report.add([arch, "\(batch)", "pytorch-cpu", fmt(t * 1e3, 4), fmt(Double(batch) / t, 0), "1.00"],
                     record: ["model": arch, "batch": batch, "engine": "pytorch-cpu", "seconds": t])
        }
        for be in ctx.backends {
          let model = try spec.build(on: be, seed: 3)
          let host = Philox.fill(.uniform(lo: 0, hi: 1), key: PhiloxKey(seed: 9), counter: 0, count: batch * features)
          var out = [Float](repeating: 0, count: batch * model.classCount)
          let t = try Timing.median(warmup: 2, repeats: batch < 1000 ? 201 : 21, maxSeconds: 2) {
            let x = try Tensor(host, shape: [batch] + spec.inputShape, on: be)
            let p = try model.probabilities(x)
            try out.withUnsafeMutableBufferPointer { try be.download(p.buffer, offset: 0, into: $0) }
          }
          let ratio = torchTimes[batch].map { fmt($0 / t, 2) } ?? "-"
          report.add([arch, "\(batch)", be.name, fmt(t * 1e3, 4), fmt(Double(batch) / t, 0), ratio],
                     record: ["model": arch, "batch": batch, "engine": be.name, "seconds": t])
        }
      }
    }
    // Training throughput: one epoch of the digits MLP (Adam, batch 32 and 256).
    let (train, _) = try Datasets.digitsTrainTest()
    for batchSize in [32, 256] {
      for be in ctx.backends {
        let model = try ModelSpec(parsing: "mlp:64-128-64-10").build(on: be, seed: 1)
        let t = try Timing.median(warmup: 1, repeats: ctx.quick ? 3 : 5, maxSeconds: 5) {
          _ = try Gauntlet.train(model: model, on: be, dataset: train, epochs: 1, batchSize: batchSize, seed: 1,
                                 optimizer: try Adam(learningRate: 1e-3), quiet: true)
        }
        report.add(["train digits MLP", "\(batchSize)", be.name, fmt(t * 1e3, 1), fmt(Double(train.count) / t, 0) + " samples/s", "-"],
                   record: ["model": "train mlp:64-128-64-10", "batch": batchSize, "engine": be.name, "seconds": t,
                            "samplesPerSecond": Double(train.count) / t])
      }
    }
    return report
  }
}

/// Runs `bench/peers/torch_forward.py` when PyTorch is importable; empty when it is not.
enum PyTorchPeer {
  static func forwardSeconds(model: String, batches: [Int]) -> [Int: Double] {
    let script = "bench/peers/torch_forward.py"
    guard FileManager.default.fileExists(atPath: script) else {
      FileHandle.standardError.write(Data("pytorch peer: \(script) not found (run from the repository root)\n".utf8))
      return [:]
    }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", script, "--model", model, "--batches", batches.map(String.init).joined(separator: ",")]
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = FileHandle.nullDevice
    do { try p.run() } catch { return [:] }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0,
          let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          let rows = obj["rows"] as? [[String: Any]] else {
      FileHandle.standardError.write(Data("pytorch peer: not available (pip install torch to compare)\n".utf8))
      return [:]
    }
    var out: [Int: Double] = [:]
    for r in rows { if let b = r["batch"] as? Int, let s = r["seconds"] as? Double { out[b] = s } }
    return out
  }
}
