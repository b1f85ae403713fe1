import Foundation
import Gauntlet

/// `gauntlet-bench <name> [--backends cpu,opencl] [--out DIR]`: side-by-side measurements that print
/// a table and write `bench/results/<name>.json`. Not tests: nothing here asserts a speed.
let benches: [String: (BenchContext) throws -> BenchReport] = [
  "gemm": GemmBench.run,
  "forward": ForwardBench.run,
  "oracle": OracleBench.run,
  "structure": StructureBench.run,
  "simulate": SimulateBench.run,
  "sweep": SweepBench.run,
  "steal": StealBench.run,
  "steal-peer": StealPeerExport.run,
]

struct BenchContext {
  var backends: [Backend]
  var outDirectory: String
  var quick: Bool
  var environment: [String: Any] {
    ["backends": backends.map(\.name), "cores": ProcessInfo.processInfo.activeProcessorCount,
     "gauntlet": GauntletVersion.string, "quick": quick]
  }
}

func usage() -> Never {
  let names = benches.keys.sorted().joined(separator: " | ")
  FileHandle.standardError.write(Data("usage: gauntlet-bench <\(names)> [--backends cpu,opencl] [--out DIR] [--quick]\n".utf8))
  exit(2)
}

var args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first, let bench = benches[name] else { usage() }
args.removeFirst()
var backendNames = ["cpu", "opencl"]
var out = "bench/results"
var quick = false
while let a = args.first {
  args.removeFirst()
  switch a {
  case "--backends": guard let v = args.first else { usage() }; args.removeFirst(); backendNames = v.split(separator: ",").map(String.init)
  case "--out": guard let v = args.first else { usage() }; args.removeFirst(); out = v
  case "--quick": quick = true
  default: usage()
  }
}
do {
  var backends: [Backend] = []
  for b in backendNames {
    do { backends.append(try BackendChoice(parsing: b).make()) } catch {
      FileHandle.standardError.write(Data("skipping backend \(b): \(error)\n".utf8))
    }
  }
  let ctx = BenchContext(backends: backends, outDirectory: out, quick: quick)
  let report = try bench(ctx)
  report.printTable()
  try report.writeJSON(directory: out, environment: ctx.environment)
} catch {
  FileHandle.standardError.write(Data("gauntlet-bench: \(error)\n".utf8))
  exit(1)
}
