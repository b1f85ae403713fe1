import GauntletCore

/// Benign queries: natural variation of test-split samples — `λ·a + (1 − λ)·b` for a sample `a`,
/// another sample `b` of the same class and `λ` uniform in [0.5, 1] — plus Gaussian noise, clamped
/// to the input box. (Replaying the few hundred test samples as they are would make every client
/// repeat itself after a few hundred queries, which a stateful monitor rightly finds suspicious;
/// within-class blends give an unbounded supply of plausible, correctly labelled queries.)
///
/// The noise comes from a fixed table of `noiseRows` Philox-normal rows drawn once from the seed,
/// so making a row costs one add and clamp per feature (no random numbers in the hot loop). Each
/// client walks its own SplitMix64 stream (one `UInt64` of state) picking a (sample, noise row)
/// pair per query, so a client's stream does not depend on the other clients.
struct BenignTraffic: Sendable {
  let features: [Float]
  let labels: [Int32]
  let featureCount: Int
  let noise: [Float]
  let noiseRows: Int
  let lo: Float
  let hi: Float
  /// Sample indices of each class.
  let byClass: [Int32: [Int]]

  init(features: [Float], labels: [Int32], featureCount: Int, sigma: Float, bounds: ClosedRange<Float>,
       seed: UInt64, noiseRows: Int = 4096) {
    self.features = features; self.labels = labels; self.featureCount = featureCount
    self.noiseRows = noiseRows
    self.noise = sigma > 0
      ? Philox.fill(.normal(mean: 0, std: sigma), key: PhiloxKey(seed: seed, stream: 0xBE1C), counter: 0, count: noiseRows * featureCount)
      : [Float](repeating: 0, count: noiseRows * featureCount)
    self.lo = bounds.lowerBound; self.hi = bounds.upperBound
    self.byClass = Dictionary(grouping: labels.indices, by: { labels[$0] })
  }

  /// The next SplitMix64 value of `state`.
  static func next(_ state: inout UInt64) -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Writes the client's next query into `dst` (`featureCount` floats) and returns its true label.
  func fill(_ state: inout UInt64, into dst: UnsafeMutablePointer<Float>) -> Int32 {
    let r = Self.next(&state)
    let r2 = Self.next(&state)
    let s = Int(r % UInt64(labels.count)), q = Int((r >> 32) % UInt64(noiseRows))
    let same = byClass[labels[s]]!
    let t = same[Int(r2 % UInt64(same.count))]
    let lambda = 0.5 + 0.5 * Float(r2 >> 40) * 0x1p-24
    let F = featureCount
    features.withUnsafeBufferPointer { fp in
      noise.withUnsafeBufferPointer { np in
        let a = fp.baseAddress! + s * F, b = fp.baseAddress! + t * F, e = np.baseAddress! + q * F
        for j in 0..<F { dst[j] = Swift.min(Swift.max(lambda * a[j] + (1 - lambda) * b[j] + e[j], lo), hi) }
      }
    }
    return labels[s]
  }
}
