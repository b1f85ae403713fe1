import GauntletCore

/// Training and attack objectives on logits, each with its gradient ∂L/∂logits.
///
/// Targets are `[batch, classes]` rows on the same backend as the logits: one-hot rows (see
/// `oneHot(_:classCount:on:)`) or probability rows (soft labels).
///
/// - `crossEntropy`: `−Σ_j t_j log softmax(z)_j` per sample, via a stable log-softmax.
///   Gradient `softmax(z) − t`. Accepts one-hot or soft targets.
/// - `softCrossEntropy(temperature: T)`: `−T² Σ_j t_j log softmax(z/T)_j`, for distillation
///   (Hinton et al., "Distilling the Knowledge in a Neural Network", 2015) and model stealing from
///   probabilities (Tramèr et al., "Stealing Machine Learning Models via Prediction APIs", USENIX
///   Security 2016). The gradient of softened logits scales as `1/T²`; multiplying by `T²` keeps
///   gradient magnitudes comparable across temperatures: gradient `T·(softmax(z/T) − t)`. The
///   targets are used as given: soften a teacher's logits with `softTargets(_:temperature:)`.
/// - `klDivergence(temperature: T)`: `T² Σ_j t_j (log t_j − log softmax(z/T)_j)` (terms with
///   `t_j = 0` count 0); same gradient as `softCrossEntropy`, value lower by `T²·H(t)`.
/// - `mse`: `(1/K) Σ_j (z_j − t_j)²` per sample, for stealing from logits. Gradient `2(z − t)/K`.
/// - `carliniWagner(kappa: κ, targeted:)`: the margin loss `f₆` of Carlini & Wagner, "Towards
///   Evaluating the Robustness of Neural Networks" (IEEE S&P 2017). With `t` the class marked in a
///   one-hot target row: targeted `max(max_{j≠t} Z_j − Z_t, −κ)` (push towards class `t`);
///   untargeted `max(Z_t − max_{j≠t} Z_j, −κ)` (push away from the true class `t`). Subgradient
///   `±(e_{j*} − e_t)` where the margin exceeds `−κ`, 0 elsewhere (`j*` the runner-up, ties to
///   the lowest index). Needs at least 2 classes.
///
/// With `.mean` reduction the value and gradient are divided by the batch size; with `.sum` each
/// row of the gradient is that sample's own gradient (what per-sample attacks want).
public enum Loss: Sendable, Hashable {
  case crossEntropy
  case softCrossEntropy(temperature: Float)
  case klDivergence(temperature: Float)
  case mse
  case carliniWagner(kappa: Float, targeted: Bool)
}

/// How per-sample losses combine into the reported value and gradient.
public enum LossReduction: String, Sendable, Hashable { case mean, sum }

/// A loss evaluated on a batch.
public struct LossResult: Sendable {
  /// `[batch]` per-sample losses (not reduced).
  public let perSample: Tensor
  /// `[batch, classes]` ∂(reduced loss)/∂logits.
  public let gradient: Tensor
  public let reduction: LossReduction

  /// The reduced loss (mean or sum over the batch); downloads one value.
  public func value() throws -> Float {
    let n = perSample.count
    let s = try DeviceMath.sum(perSample.buffer, count: n, on: perSample.backend)
    return Float(reduction == .mean && n > 0 ? s / Double(n) : s)
  }
}

extension Loss {
  /// One-hot rows `[labels.count, classCount]` on `backend`; throws on labels outside the range.
  public static func oneHot(_ labels: [Int32], classCount: Int, on backend: Backend) throws -> Tensor {
    guard classCount > 0 else {
      throw GauntletError.invalidArgument(name: "classCount", detail: "must be > 0, got \(classCount)")
    }
    try Validate.indices(labels, below: classCount, "Loss.oneHot")
    var rows = [Float](repeating: 0, count: labels.count * classCount)
    for (i, l) in labels.enumerated() { rows[i * classCount + Int(l)] = 1 }
    return try Tensor(rows, shape: [labels.count, classCount], on: backend)
  }

  /// `softmax(logits / T)` rows: a teacher's softened probabilities for distillation.
  public static func softTargets(_ logits: Tensor, temperature: Float) throws -> Tensor {
    try checkTemperature(temperature)
    let be = logits.backend
    let n = logits.count
    let scaled = try DeviceMath.unary(.affine(scale: 1 / temperature, shift: 0), logits.buffer, count: n, on: be)
    let p = try DeviceMath.rows(.softmax, scaled, rows: logits.rows, cols: logits.cols, on: be)
    return try Tensor(buffer: p, shape: [logits.rows, logits.cols], on: be)
  }

  static func checkTemperature(_ t: Float) throws {
    guard t.isFinite, t > 0 else {
      throw GauntletError.invalidArgument(name: "temperature", detail: "must be finite and > 0, got \(t)")
    }
  }
}
