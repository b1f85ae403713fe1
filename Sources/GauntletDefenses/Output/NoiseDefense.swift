import Foundation
import GauntletCore
import GauntletOracle

/// Adds random noise to each output row — the "random noise" perturbation baseline of Orekondy
/// et al., "Prediction Poisoning: Towards Defenses Against DNN Model Stealing Attacks" (ICLR 2020),
/// with Laplace noise as in the Laplace mechanism of Dwork et al., "Calibrating Noise to
/// Sensitivity in Private Data Analysis" (TCC 2006).
///
/// - On probabilities: `p̃ = normalize(max(p + n, 1e-7))`.
/// - On logits: `z̃ = z + n`; the revealed probabilities are `softmax(z̃)`.
///
/// `n` is Gaussian `N(0, scale²)` or Laplace with scale `b = scale`.
///
/// **Content-seeded**: the noise of a row is a function of the secret `key` and the row's exact
/// bits only. To keep it a single backend gather at any batch size, noise rows come from a keyed
/// codebook: `M = codebookRows(classes:)` rows (65 536 for ≤ 256 classes, fewer above so the
/// codebook stays ≤ 2²⁴ values) drawn once from Philox with `PhiloxKey(seed: key, stream: K)`;
/// row `r` of a batch uses codebook row `mix(rowKeys[r] ⊕ mix(key)) mod M` (`rowKeys` are the
/// `RowHash` content hashes). Repeating a query — alone or inside any batch — gives the same noise,
/// so averaging repeats gains nothing; two different queries share a noise row with probability
/// 1/M. Identical on every backend (the codebook is generated on the host and uploaded).
///
/// Spec: `noise:gaussian,sigma=0.05` / `noise:laplace,scale=0.1,space=logits,key=7`.
public struct NoiseDefense: OutputDefense {
  public enum Kind: String, Sendable, Hashable, CaseIterable { case gaussian, laplace }

  public let kind: Kind
  public let scale: Float
  public let space: ScoreSpace
  public let key: UInt64
  private let codebooks = CodebookCache()

  /// Floor applied before renormalising noisy probabilities.
  public static let probabilityFloor: Float = 1e-7

  public init(kind: Kind, scale: Float, space: ScoreSpace = .probabilities, key: UInt64 = 0) throws {
    guard scale.isFinite, scale >= 0 else {
      throw GauntletError.invalidArgument(name: "noise.sigma", detail: "must be finite and ≥ 0, got \(scale)")
    }
    self.kind = kind; self.scale = scale; self.space = space; self.key = key
  }

  public var spec: String {
    "noise:\(kind.rawValue),sigma=\(specNumber(scale)),space=\(space.rawValue),key=\(key)"
  }
  public var usesRowKeys: Bool { true }

  public func prepare(_ setup: DefenseSetup) throws {
    _ = try codebooks.get(self, classes: setup.classCount, on: setup.backend)     // build it once, up front
  }

  public func apply(to batch: inout DefenseBatch) throws {
    let be = batch.backend, rows = batch.rows, cols = batch.classCount
    let book = try codebooks.get(self, classes: cols, on: be)
    let noise = try be.makeBuffer(count: batch.count)
    try be.gatherRows(book, indices: Self.codebookIndices(rowKeys: batch.rowKeys, key: key, classes: cols),
                      cols: cols, into: noise)
    switch space {
    case .logits:
      let z = try batch.logits()
      try be.binary(.add, z.buffer, noise, into: noise, count: batch.count)
      try batch.setLogits(DefenseMath.tensor(noise, rows, cols, be))
    case .probabilities:
      let p = try batch.probabilities()
      try be.binary(.add, p.buffer, noise, into: noise, count: batch.count)
      try DefenseMath.floorAndNormalize(noise, floor: Self.probabilityFloor, rows: rows, cols: cols, on: be)
      try batch.setProbabilities(DefenseMath.tensor(noise, rows, cols, be))
    }
  }

  /// Codebook size for `classes` classes.
  public static func codebookRows(classes: Int) -> Int { Swift.max(1024, Swift.min(65_536, (1 << 24) / Swift.max(classes, 1))) }

  /// The codebook row each content hash uses.
  static func codebookIndices(rowKeys: [UInt64], key: UInt64, classes: Int) -> [Int32] {
    let m = UInt64(codebookRows(classes: classes)), k = RowHash.mix(key)
    return rowKeys.map { Int32(truncatingIfNeeded: RowHash.mix($0 ^ k) % m) }
  }

  /// The whole codebook on the host (`codebookRows(classes:) × classes`), from Philox.
  public static func codebook(kind: Kind, scale: Float, key: UInt64, classes: Int) -> [Float] {
    let n = codebookRows(classes: classes) * classes
    let k = PhiloxKey(seed: key, stream: UInt64(classes))
    switch kind {
    case .gaussian:
      return Philox.fill(.normal(mean: 0, std: scale), key: k, counter: 0, count: n)
    case .laplace:
      return Philox.fill(.uniform(lo: -0.5, hi: 0.5), key: k, counter: 0, count: n).map { u in
        let t = Swift.max(1 - 2 * Swift.abs(u), 0x1p-25)
        return (u < 0 ? scale : -scale) * Foundation.log(t)
      }
    }
  }

  /// The noise rows for content hashes `rowKeys` (`rowKeys.count × cols`), as `apply` adds them.
  public static func noise(kind: Kind, scale: Float, key: UInt64, rowKeys: [UInt64], cols: Int) -> [Float] {
    let book = codebook(kind: kind, scale: scale, key: key, classes: cols)
    return codebookIndices(rowKeys: rowKeys, key: key, classes: cols).flatMap { i in
      book[(Int(i) * cols)..<((Int(i) + 1) * cols)]
    }
  }
}
