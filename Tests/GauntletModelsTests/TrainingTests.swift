import Foundation
import Testing
import Gauntlet

@Suite("Training")
struct TrainingTests {
  let be = testBackend()

  /// Four Gaussian blobs in [1, 4, 4] images (class c brightens quadrant c).
  func quadrants(count: Int, seed: UInt64) throws -> TrainingSet {
    let noise = Philox.fill(.normal(mean: 0, std: 0.3), key: PhiloxKey(seed: seed), counter: 0, count: count * 16)
    var x: [Float] = [], y: [Int32] = []
    for i in 0..<count {
      let c = Int(Philox.block(counter: (UInt64(i), 0), key: PhiloxKey(seed: seed &+ 1)).0 % 4)
      for r in 0..<4 { for col in 0..<4 {
        let q = (r / 2) * 2 + col / 2
        x.append((q == c ? 1 : 0) + noise[i * 16 + r * 4 + col])
      } }
      y.append(Int32(c))
    }
    return try TrainingSet(inputs: x, sampleShape: [1, 4, 4], labels: y, classCount: 4, on: be)
  }

  @Test func trainsSmallCNNAndRecordsHistory() throws {
    let train = try quadrants(count: 200, seed: 1), test = try quadrants(count: 100, seed: 2)
    let spec = try ModelSpec(parsing: """
      {"input": [1, 4, 4], "layers": [{"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1}, {"type": "relu"},
       {"type": "maxpool", "size": 2}, {"type": "flatten"}, {"type": "dense", "units": 4}]}
      """)
    let model = try spec.build(on: be, seed: 1)
    let before = try evaluate(model: model, on: test)
    let trainer = Trainer(optimizer: try Adam(learningRate: 0.01),
                          options: TrainingOptions(epochs: 5, batchSize: 16, seed: 3, quiet: true))
    let history = try trainer.fit(model, on: train, validation: test)
    #expect(history.epochs.map(\.epoch) == [1, 2, 3, 4, 5])
    #expect(history.epochs.allSatisfy { $0.validationAccuracy != nil && $0.seconds >= 0 })
    #expect(history.epochs.last!.trainLoss < history.epochs.first!.trainLoss)
    let after = try evaluate(model: model, on: test)
    #expect(after.accuracy >= 0.95, "accuracy \(after.accuracy)")
    #expect(after.loss < before.loss)
    #expect(history.finalValidationAccuracy == after.accuracy)
    #expect(model.mode == .eval)
    // Confusion matrix accounts for every sample; its diagonal is the accuracy.
    #expect(after.confusion.flatMap { $0 }.reduce(0, +) == 100)
    #expect(Double((0..<4).map { after.confusion[$0][$0] }.reduce(0, +)) / 100 == after.accuracy)
  }

  @Test func sameSeedSameResult() throws {
    let train = try quadrants(count: 64, seed: 4)
    func run() throws -> [Float] {
      let model = try ModelSpec(parsing: "mlp:16-8-4").build(on: be, seed: 2)
      _ = try Trainer(optimizer: try SGD(learningRate: 0.1, momentum: 0.9),
                      options: TrainingOptions(epochs: 2, batchSize: 10, seed: 9, quiet: true)).fit(model, on: train)
      return try model.parameters.flatMap { try $0.values() }
    }
    #expect(try run() == run())
  }

  @Test func softLabelDistillation() throws {
    let train = try quadrants(count: 200, seed: 5), test = try quadrants(count: 100, seed: 6)
    let teacher = try ModelSpec(parsing: "mlp:16-16-4").build(on: be, seed: 1)
    _ = try Trainer(optimizer: try Adam(learningRate: 0.01),
                    options: TrainingOptions(epochs: 5, batchSize: 16, seed: 1, quiet: true)).fit(teacher, on: train)
    // The student sees only the teacher's softened probabilities (T = 2), no labels.
    let soft = try Loss.softTargets(teacher.logits(train.inputs), temperature: 2)
    let student = try ModelSpec(parsing: "mlp:16-8-4").build(on: be, seed: 2)
    let history = try Trainer(optimizer: try Adam(learningRate: 0.01),
                              options: TrainingOptions(epochs: 5, batchSize: 16, seed: 2,
                                                       loss: .softCrossEntropy(temperature: 2), quiet: true))
      .fit(student, on: try TrainingSet(inputs: train.inputs, targets: soft))
    #expect(history.epochs.last!.trainLoss < history.epochs.first!.trainLoss)
    let t = try teacher.predictions(test.inputs), s = try student.predictions(test.inputs)
    let agreement = Double(zip(t, s).filter { $0 == $1 }.count) / Double(t.count)
    #expect(agreement >= 0.9, "agreement \(agreement)")
  }

  @Test func rejectsMismatchedData() throws {
    let model = try ModelSpec(parsing: "mlp:16-8-3").build(on: be, seed: 1)
    let data = try quadrants(count: 10, seed: 1)   // 4 classes
    let trainer = Trainer(optimizer: try SGD(), options: TrainingOptions(epochs: 1, quiet: true))
    #expect(throws: GauntletError.self) { try trainer.fit(model, on: data) }
    #expect(throws: GauntletError.self) { try evaluate(model: model, on: data) }
    let bad = Trainer(optimizer: try SGD(), options: TrainingOptions(epochs: 1, batchSize: 0, quiet: true))
    #expect(throws: GauntletError.self) { try bad.fit(try ModelSpec(parsing: "mlp:16-4").build(on: be, seed: 1), on: data) }
    #expect(throws: GauntletError.self) {
      try TrainingSet(inputs: [1, 2, 3], sampleShape: [2], labels: [0, 1], classCount: 2, on: be)
    }
    #expect(throws: GauntletError.self) {
      try TrainingSet(inputs: [1, 2, 3, 4], sampleShape: [2], labels: [0, 2], classCount: 2, on: be)
    }
  }
}

@Suite("Training utilities")
struct TrainingUtilityTests {
  @Test func shuffleIsASeededPermutation() {
    let a = Shuffle.permutation(count: 1000, key: PhiloxKey(seed: 1))
    #expect(Set(a).count == 1000 && a.allSatisfy { $0 >= 0 && $0 < 1000 })
    #expect(a == Shuffle.permutation(count: 1000, key: PhiloxKey(seed: 1)))
    #expect(a != Shuffle.permutation(count: 1000, key: PhiloxKey(seed: 2)))
    #expect(a != (0..<1000).map { Int32($0) })
    // Roughly uniform: the first position takes each value of 0..<4 about equally often.
    var counts = [0, 0, 0, 0]
    for s in 0..<4000 { counts[Int(Shuffle.permutation(count: 4, key: PhiloxKey(seed: UInt64(s)))[0])] += 1 }
    #expect(counts.allSatisfy { $0 > 850 && $0 < 1150 }, "\(counts)")
    #expect(Shuffle.permutation(count: 0, key: PhiloxKey(seed: 1)).isEmpty)
  }

  @Test func progressBarRendering() {
    let s = ProgressBar.render(label: "epoch 1/3", completed: 5, total: 10, elapsedSeconds: 2.5, width: 10, suffix: "loss 0.5")
    #expect(s == "epoch 1/3 [#####-----]  50% 5/10 2.0 it/s ETA 0:00:03 loss 0.5")
    #expect(ProgressBar.render(label: "", completed: 0, total: 4, elapsedSeconds: 0, width: 4)
            == "[----]   0% 0/4 0.0 it/s ETA --:--:--")
    #expect(ProgressBar.render(label: "x", completed: 7200, total: 7200, elapsedSeconds: 3600, width: 4)
            .hasPrefix("x [####] 100% 7200/7200 2.0 it/s ETA 0:00:00"))
    // Quiet bars never draw.
    let bar = ProgressBar(total: 3, quiet: true)
    #expect(!bar.isActive)
    bar.update(2); bar.advance(); bar.finish()
  }
}
