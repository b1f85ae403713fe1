import Foundation
import GauntletCore
import GauntletOracle

/// The outcome of an ownership check.
public struct WatermarkVerdict: Sendable, Hashable, Codable {
  /// Watermarked inputs the suspect was asked about.
  public let trials: Int
  /// How many of them it labels with the watermark's altered label.
  public let matches: Int
  /// Upper bound on the match probability of a model independent of the watermark: `1/(K − 1)`.
  public let chanceRate: Double
  /// One-sided binomial test: `P(X ≥ matches)` for `X ~ Binomial(trials, chanceRate)`.
  public let pValue: Double
  public let significance: Double
  /// `pValue < significance`: the suspect was (with that confidence) trained on the marked answers.
  public var stolen: Bool { trials > 0 && pValue < significance }
  public var matchRate: Double { trials == 0 ? 0 : Double(matches) / Double(trials) }
}

extension DAWNWatermark {
  /// Tests whether `suspect` was trained on this watermark's answers to `client` (all clients when
  /// nil): queries it on the recorded watermarked inputs and counts how often it predicts the
  /// altered label. Null hypothesis: the suspect is independent of the secret key. The altered
  /// label is uniform over the `K − 1` classes other than the true label, so an independent model
  /// matches with probability at most `1/(K − 1)`; the p-value is the binomial tail at that rate.
  ///
  /// ```swift
  /// let verdict = try watermark.verify(suspect: stolenModel, client: "mallory")
  /// verdict.stolen, verdict.pValue
  /// ```
  public func verify(suspect: any Classifier, client: String? = nil, significance: Double = 0.01,
                     maxTrials: Int? = nil) throws -> WatermarkVerdict {
    guard significance > 0, significance < 1 else {
      throw GauntletError.invalidArgument(name: "significance", detail: "must be in (0, 1), got \(significance)")
    }
    var recs = records(for: client)
    if let m = maxTrials { recs = Array(recs.prefix(Swift.max(0, m))) }
    let K = suspect.classCount
    guard K >= 2 else { throw GauntletError.invalidArgument(name: "suspect", detail: "needs ≥ 2 classes") }
    let p0 = 1 / Double(K - 1)
    guard !recs.isEmpty else {
      return WatermarkVerdict(trials: 0, matches: 0, chanceRate: p0, pValue: 1, significance: significance)
    }
    let F = suspect.inputShape.reduce(1, *)
    guard recs[0].input.count == F else {
      throw GauntletError.shapeMismatch(operation: "DAWNWatermark.verify",
                                        detail: "suspect takes \(F) features, the watermarked queries have \(recs[0].input.count)")
    }
    var matches = 0
    let chunk = 1024
    var start = 0
    while start < recs.count {
      let part = recs[start..<Swift.min(recs.count, start + chunk)]
      let x = try Tensor(part.flatMap(\.input), shape: [part.count] + suspect.inputShape, on: suspect.backend)
      let z = try suspect.logits(x).toArray()
      for (i, rec) in part.enumerated() {
        var best = 0
        for j in 1..<K where z[i * K + j] > z[i * K + best] { best = j }
        if best == Int(rec.watermarkLabel) { matches += 1 }
      }
      start += chunk
    }
    return WatermarkVerdict(trials: recs.count, matches: matches, chanceRate: p0,
                            pValue: Binomial.upperTail(atLeast: matches, trials: recs.count, probability: p0),
                            significance: significance)
  }
}

/// Binomial tail probabilities.
public enum Binomial {
  /// `P(X ≥ k)` for `X ~ Binomial(n, p)`, summed in log space (exact to double rounding).
  public static func upperTail(atLeast k: Int, trials n: Int, probability p: Double) -> Double {
    if k <= 0 { return 1 }
    if k > n { return 0 }
    if p <= 0 { return 0 }
    if p >= 1 { return 1 }
    let lp = Foundation.log(p), lq = Foundation.log1p(-p)
    func logPMF(_ i: Int) -> Double {
      lgamma(Double(n) + 1) - lgamma(Double(i) + 1) - lgamma(Double(n - i) + 1) + Double(i) * lp + Double(n - i) * lq
    }
    let terms = (k...n).map(logPMF)
    let m = terms.max() ?? 0
    let s = terms.reduce(0) { $0 + Foundation.exp($1 - m) }
    return Swift.min(1, Foundation.exp(m + Foundation.log(s)))
  }
}
