import Dispatch
import Foundation
import GauntletCore
import GauntletOracle

/// Splits each batch across the simulation's devices in proportion to their measured speed
/// (rows per second of busy time, a running mean) and runs the shares in parallel: forward pass,
/// defense chain, download. Every row's answer depends only on the row (the defense contract),
/// so the split never changes a result when the devices compute the same numbers.
final class DeviceScheduler {
  let devices: [SimulationDevice]
  let featureCount: Int
  let classCount: Int
  let inputShape: [Int]
  /// Estimated rows/s per device (nil until measured: shares are equal then).
  private(set) var speed: [Double?]
  private(set) var rowsDone: [Int]
  private(set) var busySeconds: [Double]

  /// Answers of one batch, host row-major, `rows × classCount`.
  struct Answers {
    var logits: [Float] = []
    var defended: [Float] = []
    var labelOnly = false
  }

  init(devices: [SimulationDevice]) throws {
    guard let first = devices.first else {
      throw SimulationError.badParameter(name: "devices", detail: "need at least one device")
    }
    for d in devices where d.model.inputShape != first.model.inputShape || d.model.classCount != first.model.classCount {
      throw SimulationError.badParameter(name: "devices", detail: "every device must hold the same model (input \(first.model.inputShape), \(first.model.classCount) classes)")
    }
    self.devices = devices
    self.inputShape = first.model.inputShape
    self.featureCount = first.model.inputShape.reduce(1, *)
    self.classCount = first.model.classCount
    speed = Array(repeating: nil, count: devices.count)
    rowsDone = Array(repeating: 0, count: devices.count)
    busySeconds = Array(repeating: 0, count: devices.count)
  }

  /// Rows given to each device for a batch of `n` rows.
  func shares(_ n: Int) -> [Int] {
    let m = devices.count
    if m == 1 { return [n] }
    let known = speed.compactMap { $0 }
    let fallback = known.isEmpty ? 1 : known.reduce(0, +) / Double(known.count)
    let w = speed.map { $0 ?? fallback }
    let total = w.reduce(0, +)
    var out = w.map { Int((Double(n) * $0 / total).rounded(.down)) }
    out[m - 1] += n - out.reduce(0, +)
    return out
  }

  /// Answers `n` rows of `rows` (host, row-major): raw model logits and the defended scores.
  func answer(_ rows: [Float], count n: Int) throws -> Answers {
    let F = featureCount, K = classCount
    let split = shares(n)
    var starts: [Int] = []
    var s = 0
    for c in split { starts.append(s); s += c }
    final class Slot: @unchecked Sendable {
      // Safe: each slot is written by exactly one concurrentPerform iteration, read after it.
      var result: Result<(Answers, Double), Error>?
    }
    let slots = devices.map { _ in Slot() }
    let work = { (i: Int) in
      guard split[i] > 0 else { slots[i].result = .success((Answers(), 0)); return }
      let t0 = DispatchTime.now().uptimeNanoseconds
      slots[i].result = Result {
        // A full batch on one device goes as it is (no copy).
        let whole = starts[i] == 0 && split[i] * F == rows.count
        let chunk = whole ? rows : Array(rows[(starts[i] * F)..<((starts[i] + split[i]) * F)])
        let a = try self.run(self.devices[i], chunk, rows: split[i])
        return (a, Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9)
      }
    }
    if devices.count == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: devices.count, execute: work) }
    if devices.count == 1 {
      let (a, sec) = try slots[0].result!.get()
      rowsDone[0] += n; busySeconds[0] += sec
      return a
    }
    var out = Answers()
    out.logits.reserveCapacity(n * K); out.defended.reserveCapacity(n * K)
    for i in devices.indices {
      let (a, sec) = try slots[i].result!.get()
      guard split[i] > 0 else { continue }
      out.logits += a.logits; out.defended += a.defended; out.labelOnly = out.labelOnly || a.labelOnly
      rowsDone[i] += split[i]; busySeconds[i] += sec
      if split[i] >= 64, sec > 0 {
        let r = Double(split[i]) / sec
        speed[i] = speed[i].map { 0.7 * $0 + 0.3 * r } ?? r
      }
    }
    return out
  }

  private func run(_ d: SimulationDevice, _ chunk: [Float], rows n: Int) throws -> Answers {
    let be = d.backend
    let x = try Tensor(chunk, shape: [n] + inputShape, on: be)
    let z = try d.model.logits(x)
    var a = Answers()
    a.logits = try z.toArray()
    if d.chain.isEmpty {
      a.defended = a.logits
    } else {
      let keys = d.chain.usesRowKeys ? RowHash.rows(chunk, cols: featureCount) : []
      var batch = DefenseBatch(backend: be, client: "simulation", inputs: x, hostInputs: chunk, featureCount: featureCount,
                               rowKeys: keys, modelLogits: z)
      try d.chain.apply(to: &batch)
      a.defended = try batch.scores.toArray()
      a.labelOnly = batch.labelOnly
    }
    return a
  }
}
