import GauntletCore
import GauntletModels

/// Defensive distillation (Papernot, McDaniel, Wu, Jha & Swami, "Distillation as a Defense to
/// Adversarial Perturbations against Deep Neural Networks", IEEE S&P 2016).
///
/// 1. Train the **teacher** on hard labels with a softmax at temperature `T`
///    (`Loss.softCrossEntropy(temperature: T)` on one-hot targets).
/// 2. Label the training set with the teacher's softened probabilities `softmax(z/T)`.
/// 3. Train the **student** (same architecture in the paper) on those soft labels at the same `T`.
/// 4. Deploy the student at temperature 1 — its plain logits — whose softmax saturates, so the
///    input gradients a white-box attacker follows vanish (Carlini & Wagner 2017 show the
///    robustness is largely gradient masking; evaluate it with the margin loss).
///
/// Both stages use the Models `Trainer` (`TrainingOptions.loss` is replaced by the softened
/// cross-entropy; everything else — epochs, batch size, seed — is shared).
///
/// ```swift
/// let d = try DefensiveDistillation(temperature: 20)
/// let (t, s) = try d.fit(teacher: teacher, student: student, on: trainSet,
///                        teacherOptimizer: try Adam(), studentOptimizer: try Adam(),
///                        options: TrainingOptions(epochs: 30, seed: 1))
/// ```
public struct DefensiveDistillation: Sendable, Hashable {
  public let temperature: Float

  public init(temperature: Float) throws {
    guard temperature.isFinite, temperature >= 1 else {
      throw GauntletError.invalidArgument(name: "distill", detail: "temperature must be finite and ≥ 1, got \(temperature)")
    }
    self.temperature = temperature
  }

  /// Runs the four steps above; trains `teacher` and `student` in place and returns their histories.
  @discardableResult
  public func fit(teacher: Sequential, student: Sequential, on data: TrainingSet, teacherOptimizer: Optimizer,
                  studentOptimizer: Optimizer, options: TrainingOptions, validation: TrainingSet? = nil) throws
    -> (teacher: TrainingHistory, student: TrainingHistory) {
    guard teacher.backend === student.backend, teacher.classCount == student.classCount,
          teacher.inputShape.reduce(1, *) == student.inputShape.reduce(1, *) else {
      throw GauntletError.invalidArgument(name: "student", detail: "teacher and student must share backend, input size and classes")
    }
    var o = options
    o.loss = .softCrossEntropy(temperature: temperature)
    o.label = "\(options.label) teacher T=\(specNumber(temperature))"
    let th = try Trainer(optimizer: teacherOptimizer, options: o).fit(teacher, on: data, validation: validation)
    let soft = try softLabels(teacher: teacher, data: data)
    o.label = "\(options.label) student T=\(specNumber(temperature))"
    let sh = try Trainer(optimizer: studentOptimizer, options: o).fit(student, on: soft, validation: validation)
    return (th, sh)
  }

  /// `data` relabelled with the teacher's `softmax(z/T)` rows (hard labels kept for accuracy).
  public func softLabels(teacher: Sequential, data: TrainingSet, batchSize: Int = 1024) throws -> TrainingSet {
    let be = teacher.backend, n = data.count, d = data.inputs.cols, k = teacher.classCount
    let all = try be.makeBuffer(count: n * k)
    var start = 0
    while start < n {
      let m = Swift.min(batchSize, n - start)
      let x = try be.makeBuffer(count: m * d)
      try be.copy(data.inputs.buffer, srcOffset: start * d, to: x, dstOffset: 0, count: m * d)
      let z = try teacher.logits(Tensor(buffer: x, shape: [m] + data.sampleShape, on: be))
      let p = try Loss.softTargets(z, temperature: temperature)
      try be.copy(p.buffer, srcOffset: 0, to: all, dstOffset: start * k, count: m * k)
      start += m
    }
    return try TrainingSet(inputs: data.inputs, targets: Tensor(buffer: all, shape: [n, k], on: be), labels: data.labels)
  }
}
