import Foundation
import GauntletModels

/// What `StructureStealing.run` recovered and measured. The `true…` and cosine fields are filled
/// only when a reference model was given (evaluation; the attack never reads it).
public struct StructureStealingReport: Codable, Sendable, Hashable {
  public var attack = "structure-stealing"
  public var inputCount: Int
  public var classCount: Int
  /// Hidden units found: one per hyperplane where a ReLU switches inside the box.
  public var recoveredWidth: Int
  /// Extra units `relu(x_j − lo)` holding the victim's linear part on the box (always-on units);
  /// 0 when every unit switches inside the box.
  public var linearUnits: Int
  /// The extracted network, `mlp:<inputs>-<recoveredWidth + linearUnits>-<classes>`.
  public var architecture: String
  public var lines: Int
  /// Critical points that passed verification.
  public var criticalPoints: Int
  /// Noise tolerance on centered logits used throughout (calibrated unless given).
  public var noiseTolerance: Double
  /// Max |residual| of the output-layer solve on its rows.
  public var fitResidual: Double
  /// How far the unit orientations were from {0, 1} before rounding (≈ 0: clear).
  public var signAmbiguity: Double
  /// Max |Δ centered logit| between the extracted network and the victim on fresh uniform points
  /// of the box (through the oracle), and that over the largest |centered victim logit|.
  public var maxLogitDifference: Double?
  public var relativeLogitDifference: Double?
  /// Every row sent to the oracle, and per stage.
  public var queries: Int
  public var queriesByStage: [String: Int]
  public var seconds: Double

  // Evaluation against the reference.
  /// The reference's architecture, e.g. `mlp:64-16-10`.
  public var trueArchitecture: String?
  /// The reference's first hidden width.
  public var trueWidth: Int?
  /// Units of the reference whose hyperplane crosses the box (the identifiable ones).
  public var trueWidthInBox: Int?
  /// Units in the box matched by a recovered row with |cosine| ≥ 0.999.
  public var matchedUnits: Int?
  /// Over the reference's units in the box: the best |cosine| between its weight row and a
  /// recovered one — the smallest, the mean, and the largest angle (degrees).
  public var minWeightCosine: Double?
  public var meanWeightCosine: Double?
  public var maxAngleDegrees: Double?
  /// Matched units whose recovered orientation (sign) equals the true one.
  public var signsCorrect: Int?
  /// Max relative bias error of matched units, after scaling the recovered row to the true norm.
  public var maxBiasError: Double?

  /// The extracted network (unit-norm hidden rows; output layer centered over classes).
  public var network: ExtractedNetwork

  init(inputCount: Int, classCount: Int, recoveredWidth: Int, linearUnits: Int, architecture: String, lines: Int,
       criticalPoints: Int, noiseTolerance: Double, fitResidual: Double, signAmbiguity: Double,
       maxLogitDifference: Double?, relativeLogitDifference: Double?, queries: Int, queriesByStage: [String: Int],
       seconds: Double, network: ExtractedNetwork) {
    self.inputCount = inputCount; self.classCount = classCount; self.recoveredWidth = recoveredWidth
    self.linearUnits = linearUnits; self.architecture = architecture; self.lines = lines
    self.criticalPoints = criticalPoints; self.noiseTolerance = noiseTolerance; self.fitResidual = fitResidual
    self.signAmbiguity = signAmbiguity; self.maxLogitDifference = maxLogitDifference
    self.relativeLogitDifference = relativeLogitDifference; self.queries = queries
    self.queriesByStage = queriesByStage; self.seconds = seconds; self.network = network
  }

  /// Fills the evaluation fields from the true victim (its first `Dense` layer).
  public mutating func evaluate(against reference: Sequential, bounds: ClosedRange<Float>) throws {
    let dense = reference.layers.compactMap { $0 as? Dense }
    guard let first = dense.first, first.inputs == inputCount else {
      throw ExactExtractionError.invalidParameter(
        name: "reference", detail: "needs a model whose first Dense layer takes \(inputCount) inputs")
    }
    trueArchitecture = "mlp:" + ([inputCount] + dense.map(\.outputs)).map(String.init).joined(separator: "-")
    let h = first.outputs, d = inputCount
    trueWidth = h
    let tw = try first.weight.values().map(Double.init), tb = try first.bias.values().map(Double.init)
    let lo = Double(bounds.lowerBound), hi = Double(bounds.upperBound)
    let rec = recoveredWidth
    let rw = network.hiddenWeights.map(Double.init), rb = network.hiddenBiases.map(Double.init)
    var inBox = 0, matched = 0, signs = 0
    var cosines: [Double] = []
    var biasErr = 0.0
    for i in 0..<h {
      let w = Array(tw[(i * d)..<((i + 1) * d)])
      var zmin = tb[i], zmax = tb[i]
      for j in 0..<d { zmin += Swift.min(w[j] * lo, w[j] * hi); zmax += Swift.max(w[j] * lo, w[j] * hi) }
      guard zmin < 0, zmax > 0 else { continue }
      inBox += 1
      var best = 0.0, bestIndex = -1
      for r in 0..<rec {
        let c = DoubleVec.cosine(w, Array(rw[(r * d)..<((r + 1) * d)]))
        if Swift.abs(c) > Swift.abs(best) { best = c; bestIndex = r }
      }
      cosines.append(Swift.abs(best))
      if Swift.abs(best) >= 0.999, bestIndex >= 0 {
        matched += 1
        if best > 0 { signs += 1 }
        let scale = DoubleVec.norm(w) / DoubleVec.norm(Array(rw[(bestIndex * d)..<((bestIndex + 1) * d)])) * (best > 0 ? 1 : -1)
        biasErr = Swift.max(biasErr, Swift.abs(rb[bestIndex] * scale - tb[i]) / Swift.max(DoubleVec.norm(w), 1e-12))
      }
    }
    trueWidthInBox = inBox
    matchedUnits = matched
    signsCorrect = signs
    maxBiasError = biasErr
    if !cosines.isEmpty {
      let mn = cosines.min()!
      minWeightCosine = mn
      meanWeightCosine = cosines.reduce(0, +) / Double(cosines.count)
      maxAngleDegrees = Foundation.acos(Swift.min(1, mn)) * 180 / Double.pi
    }
  }
}
