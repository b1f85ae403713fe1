import Foundation
import Gauntlet

/// GFLOP/s of `Backend.gemm` per backend at square sizes and the query-batch shape
/// (4096×784 · 784×256), plus the cost of an empty op launch and a 1-row forward step.
enum GemmBench {
  static func run(_ ctx: BenchContext) throws -> BenchReport {
    var report = BenchReport(name: "gemm", columns: ["case", "backend", "median ms", "GFLOP/s", "× cpu"])
    var shapes: [(String, GemmShape)] = [256, 512, 1024, 2048].map { ("\($0)³", GemmShape(m: $0, n: $0, k: $0)) }
    if ctx.quick { shapes = Array(shapes.prefix(2)) }
    shapes.append(("4096×784·784×256", GemmShape(m: 4096, n: 256, k: 784)))
    for (label, shape) in shapes {
      var cpuTime: Double?
      for be in ctx.backends {
        let a = try be.makeBuffer(count: shape.m * shape.k), b = try be.makeBuffer(count: shape.k * shape.n)
        let c = try be.makeBuffer(count: shape.m * shape.n)
        try be.random(.uniform(lo: -1, hi: 1), key: PhiloxKey(seed: 1), counter: 0, into: a, count: a.count)
        try be.random(.uniform(lo: -1, hi: 1), key: PhiloxKey(seed: 2), counter: 0, into: b, count: b.count)
        let t = try Timing.median(warmup: 2, repeats: ctx.quick ? 3 : 9) {
          try be.gemm(a, b, into: c, shape)
          try be.synchronize()
        }
        if be.name == "cpu" { cpuTime = t }
        let ratio = cpuTime.map { fmt($0 / t, 2) } ?? "-"
        report.add([label, be.name, fmt(t * 1e3, 3), fmt(shape.flops / t / 1e9), ratio],
                   record: ["case": label, "backend": be.name, "seconds": t, "gflops": shape.flops / t / 1e9,
                            "m": shape.m, "n": shape.n, "k": shape.k])
      }
    }
    // Launch overhead: a 1-element op, and a 1-row 64→128→10 dense step (gemm + bias + relu).
    for be in ctx.backends {
      let x = try be.makeBuffer(count: 1)
      try be.fill(x, value: 1, offset: 0, count: 1)
      let t = try Timing.median(warmup: 3, repeats: 201, maxSeconds: 1) {
        try be.unary(.relu, x, into: x, count: 1)
        try be.synchronize()
      }
      report.add(["empty op launch", be.name, fmt(t * 1e3, 4), "-", "-"],
                 record: ["case": "launch", "backend": be.name, "seconds": t])
      let input = try be.makeBuffer([Float](repeating: 0.5, count: 64))
      let w1 = try be.makeBuffer([Float](repeating: 0.01, count: 64 * 128)), b1 = try be.makeBuffer([Float](repeating: 0, count: 128))
      let h = try be.makeBuffer(count: 128)
      let w2 = try be.makeBuffer([Float](repeating: 0.01, count: 128 * 10)), out = try be.makeBuffer(count: 10)
      var host = [Float](repeating: 0, count: 10)
      let tf = try Timing.median(warmup: 3, repeats: 201, maxSeconds: 1) {
        try be.gemm(input, w1, into: h, GemmShape(m: 1, n: 128, k: 64))
        try be.broadcast(.add, h, b1, into: h, rows: 1, cols: 128, axis: .row)
        try be.unary(.relu, h, into: h, count: 128)
        try be.gemm(h, w2, into: out, GemmShape(m: 1, n: 10, k: 128))
        try host.withUnsafeMutableBufferPointer { try be.download(out, offset: 0, into: $0) }
      }
      report.add(["1-row forward step", be.name, fmt(tf * 1e3, 4), "-", "-"],
                 record: ["case": "forward-1", "backend": be.name, "seconds": tf])
    }
    return report
  }
}
