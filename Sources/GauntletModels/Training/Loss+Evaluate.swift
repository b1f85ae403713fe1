import GauntletCore

extension Loss {
  /// Per-sample losses and ∂L/∂logits for `logits` and `targets` (both `[batch, classes]`).
  ///
  /// ```swift
  /// let y = try Loss.oneHot(labels, classCount: 10, on: backend)
  /// let r = try Loss.crossEntropy.evaluate(logits: model.forward(x), targets: y)
  /// try r.value()   // mean cross-entropy
  /// ```
  public func evaluate(logits: Tensor, targets: Tensor, reduction: LossReduction = .mean) throws -> LossResult {
    let be = logits.backend
    guard targets.backend === be else {
      throw GauntletError.foreignBuffer(operation: "Loss.evaluate", expected: be.name, got: targets.backend.name)
    }
    guard logits.shape.count == 2, targets.shape == logits.shape else {
      throw GauntletError.shapeMismatch(operation: "Loss.evaluate",
                                        detail: "logits \(logits.shape) and targets \(targets.shape) must both be [batch, classes]")
    }
    let (b, k) = (logits.rows, logits.cols)
    let n = b * k
    let scale: Float = reduction == .mean && b > 0 ? 1 / Float(b) : 1
    let z = logits.buffer, t = targets.buffer
    let per: DeviceBuffer, grad: DeviceBuffer
    switch self {
    case .crossEntropy:
      (per, grad) = try Self.softmaxLoss(z, t, b, k, temperature: 1, kl: false, scale: scale, on: be)
    case let .softCrossEntropy(temperature):
      try Self.checkTemperature(temperature)
      (per, grad) = try Self.softmaxLoss(z, t, b, k, temperature: temperature, kl: false, scale: scale, on: be)
    case let .klDivergence(temperature):
      try Self.checkTemperature(temperature)
      (per, grad) = try Self.softmaxLoss(z, t, b, k, temperature: temperature, kl: true, scale: scale, on: be)
    case .mse:
      let d = try DeviceMath.binary(.sub, z, t, count: n, on: be)
      let sq = try DeviceMath.unary(.square, d, count: n, on: be)
      per = try DeviceMath.rows(.sum, sq, rows: b, cols: k, on: be)
      if b > 0 { try be.unary(.affine(scale: 1 / Float(k), shift: 0), per, into: per, count: b) }
      if n > 0 { try be.unary(.affine(scale: 2 * scale / Float(k), shift: 0), d, into: d, count: n) }
      grad = d
    case let .carliniWagner(kappa, targeted):
      guard kappa.isFinite, kappa >= 0 else {
        throw GauntletError.invalidArgument(name: "kappa", detail: "must be finite and ≥ 0, got \(kappa)")
      }
      guard k >= 2 else {
        throw GauntletError.invalidArgument(name: "classes", detail: "the Carlini–Wagner loss needs ≥ 2 classes, got \(k)")
      }
      (per, grad) = try Self.marginLoss(z, t, b, k, kappa: kappa, targeted: targeted, scale: scale, on: be)
    }
    return LossResult(perSample: try Tensor(buffer: per, shape: [b], on: be),
                      gradient: try Tensor(buffer: grad, shape: [b, k], on: be), reduction: reduction)
  }

  /// Cross-entropy / KL on `softmax(z/T)`, scaled by `T²`; gradient `scale·T·(p − t)`.
  private static func softmaxLoss(_ z: DeviceBuffer, _ t: DeviceBuffer, _ b: Int, _ k: Int, temperature: Float,
                                  kl: Bool, scale: Float, on be: Backend) throws -> (DeviceBuffer, DeviceBuffer) {
    let n = b * k
    let zs = temperature == 1 ? z : try DeviceMath.unary(.affine(scale: 1 / temperature, shift: 0), z, count: n, on: be)
    let logp = try DeviceMath.rows(.logSoftmax, zs, rows: b, cols: k, on: be)
    let p = try DeviceMath.rows(.softmax, zs, rows: b, cols: k, on: be)
    let t2 = temperature * temperature
    let terms: DeviceBuffer
    if kl {
      let logt = try DeviceMath.unary(.clamp(lo: 1e-30, hi: .greatestFiniteMagnitude), t, count: n, on: be)
      if n > 0 {
        try be.unary(.log, logt, into: logt, count: n)
        try be.binary(.sub, logt, logp, into: logt, count: n)
      }
      terms = logt
    } else {
      terms = logp
    }
    if n > 0 { try be.binary(.mul, t, terms, into: terms, count: n) }
    let per = try DeviceMath.rows(.sum, terms, rows: b, cols: k, on: be)
    if b > 0 { try be.unary(.affine(scale: kl ? t2 : -t2, shift: 0), per, into: per, count: b) }
    if n > 0 {
      try be.binary(.sub, p, t, into: p, count: n)
      try be.unary(.affine(scale: scale * temperature, shift: 0), p, into: p, count: n)
    }
    return (per, p)
  }

  /// Carlini–Wagner margin with the runner-up found by a top-1 mask over `z − BIG·t`.
  private static func marginLoss(_ z: DeviceBuffer, _ t: DeviceBuffer, _ b: Int, _ k: Int, kappa: Float,
                                 targeted: Bool, scale: Float, on be: Backend) throws -> (DeviceBuffer, DeviceBuffer) {
    let n = b * k
    let masked = try be.makeBuffer(count: n)
    let other = try be.makeBuffer(count: n)
    if n > 0 {
      try be.copy(z, srcOffset: 0, to: masked, dstOffset: 0, count: n)
      try be.axpy(alpha: -1e30, t, masked, count: n)
      try be.rows(.topKMask(k: 1), masked, into: other, rows: b, cols: k)
    }
    let zOther = try DeviceMath.rows(.sum, try DeviceMath.binary(.mul, z, other, count: n, on: be), rows: b, cols: k, on: be)
    let zTarget = try DeviceMath.rows(.sum, try DeviceMath.binary(.mul, z, t, count: n, on: be), rows: b, cols: k, on: be)
    let margin = targeted
      ? try DeviceMath.binary(.sub, zOther, zTarget, count: b, on: be)
      : try DeviceMath.binary(.sub, zTarget, zOther, count: b, on: be)
    let per = try DeviceMath.unary(.clamp(lo: -kappa, hi: .greatestFiniteMagnitude), margin, count: b, on: be)
    // active = 1 where margin > −κ: relu(sign(margin + κ)).
    let active = try DeviceMath.unary(.affine(scale: 1, shift: kappa), margin, count: b, on: be)
    if b > 0 {
      try be.unary(.sign, active, into: active, count: b)
      try be.unary(.relu, active, into: active, count: b)
    }
    let grad = targeted
      ? try DeviceMath.binary(.sub, other, t, count: n, on: be)
      : try DeviceMath.binary(.sub, t, other, count: n, on: be)
    if n > 0 {
      try be.broadcast(.mul, grad, active, into: grad, rows: b, cols: k, axis: .column)
      if scale != 1 { try be.unary(.affine(scale: scale, shift: 0), grad, into: grad, count: n) }
    }
    return (per, grad)
  }
}
