import Foundation
import Testing
@testable import Gauntlet

/// Digits as training sets on the test backend, built once.
enum Digits {
  static let sets: Result<(train: TrainingSet, test: TrainingSet, trainData: Dataset, testData: Dataset), Error> = Result {
    let (train, test) = try Datasets.digitsTrainTest()
    return (try TrainingSet(train, on: testBackend()), try TrainingSet(test, on: testBackend()), train, test)
  }
  static func get() throws -> (train: TrainingSet, test: TrainingSet, trainData: Dataset, testData: Dataset) { try sets.get() }

  /// A small MLP trained normally with cross-entropy.
  static func plainModel(seed: UInt64, epochs: Int = 15) throws -> Sequential {
    let d = try get()
    let m = try ModelSpec(parsing: "mlp:64-32-10").build(on: testBackend(), seed: seed)
    _ = try Trainer(optimizer: try Adam(learningRate: 3e-3),
                options: TrainingOptions(epochs: epochs, batchSize: 32, seed: seed, quiet: true)).fit(m, on: d.train)
    return m
  }
}

@Suite("Hardened training", .serialized)
struct HardenedTrainingTests {
  /// Accuracy of `model` on PGD examples of the test set (a stronger attack than the training one).
  func robustAccuracy(_ model: Sequential, epsilon: Float) throws -> Double {
    let d = try Digits.get()
    let attack = try PGDTraining(epsilon: epsilon, steps: 10, stepSize: epsilon / 4)
    let adv = try attack.perturb(model: model, inputs: d.test.inputs, targets: d.test.targets, key: PhiloxKey(seed: 99))
    let adversarialSet = try TrainingSet(inputs: adv, targets: d.test.targets, labels: d.test.labels)
    return try evaluate(model: model, on: adversarialSet).accuracy
  }

  @Test func pgdExamplesStayInTheBallAndRaiseTheLoss() throws {
    let d = try Digits.get()
    let model = try Digits.plainModel(seed: 3, epochs: 5)
    for norm in [Norm.linf, .l2] {
      let eps: Float = norm == .linf ? 0.1 : 0.8
      let pgd = try PGDTraining(epsilon: eps, steps: 5, norm: norm)
      let adv = try pgd.perturb(model: model, inputs: d.test.inputs, targets: d.test.targets, key: PhiloxKey(seed: 1))
      let x = try d.test.inputs.toArray(), a = try adv.toArray()
      #expect(a.allSatisfy { $0 >= 0 && $0 <= 1 })
      for r in 0..<d.test.count {
        let delta = (0..<64).map { a[r * 64 + $0] - x[r * 64 + $0] }
        let size = norm == .linf ? delta.map(abs).max()! : delta.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(size <= eps * (1 + 1e-5))
      }
      let clean = try Loss.crossEntropy.evaluate(logits: model.logits(d.test.inputs), targets: d.test.targets).value()
      let attacked = try Loss.crossEntropy.evaluate(logits: model.logits(adv), targets: d.test.targets).value()
      #expect(attacked > clean * 2)
    }
    #expect(try d.test.inputs.toArray() == d.testData.features)      // inputs not mutated
  }

  @Test func pgdTrainingBuysRobustness() throws {
    let d = try Digits.get()
    let start = Date()
    let plain = try Digits.plainModel(seed: 7)
    let hardened = try ModelSpec(parsing: "mlp:64-32-10").build(on: testBackend(), seed: 7)
    let pgd = try PGDTraining(parsing: "pgd:eps=0.15,steps=5")
    let history = try pgd.fit(hardened, on: d.train, optimizer: try Adam(learningRate: 3e-3),
                              options: TrainingOptions(epochs: 15, batchSize: 32, seed: 7, quiet: true), validation: d.test)
    let plainClean = try evaluate(model: plain, on: d.test).accuracy
    let hardClean = try #require(history.finalValidationAccuracy)
    let plainRobust = try robustAccuracy(plain, epsilon: 0.15), hardRobust = try robustAccuracy(hardened, epsilon: 0.15)
    print("PGD training: clean \(plainClean) → \(hardClean), robust \(plainRobust) → \(hardRobust), \(Date().timeIntervalSince(start)) s")
    #expect(history.epochs.count == 15)
    #expect(hardClean > 0.8)
    #expect(hardRobust > plainRobust + 0.2)
  }

  @Test func defensiveDistillationSaturatesTheStudent() throws {
    let d = try Digits.get()
    let start = Date()
    let plain = try Digits.plainModel(seed: 5, epochs: 40)
    let teacher = try ModelSpec(parsing: "mlp:64-32-10").build(on: testBackend(), seed: 5)
    let student = try ModelSpec(parsing: "mlp:64-32-10").build(on: testBackend(), seed: 6)
    let distill = try DefensiveDistillation(temperature: 20)
    let (_, sh) = try distill.fit(teacher: teacher, student: student, on: d.train,
                                  teacherOptimizer: try Adam(learningRate: 3e-3), studentOptimizer: try Adam(learningRate: 3e-3),
                                  options: TrainingOptions(epochs: 40, batchSize: 32, seed: 5, quiet: true), validation: d.test)
    let studentAcc = try #require(sh.finalValidationAccuracy)
    // Papernot et al.'s measure: the input gradient of the predicted class's probability
    // (∂p_c/∂x, logits gradient p_c·(e_c − p)), mean L1 norm over correctly classified test points.
    func gradientSize(_ m: Sequential) throws -> Double {
      let p = try m.probabilities(d.test.inputs).toArray()
      let K = 10
      var grad = [Float](repeating: 0, count: p.count)
      var correct: [Int] = []
      for r in 0..<d.test.count {
        var c = 0
        for j in 1..<K where p[r * K + j] > p[r * K + c] { c = j }
        if Int32(c) == d.test.labels[r] { correct.append(r) }
        for j in 0..<K { grad[r * K + j] = p[r * K + c] * ((j == c ? 1 : 0) - p[r * K + j]) }
      }
      let g = try m.inputGradient(d.test.inputs, gradLogits: Tensor(grad, shape: [d.test.count, K], on: testBackend())).toArray()
      return correct.reduce(0.0) { acc, r in acc + g[(r * 64)..<((r + 1) * 64)].reduce(0) { $0 + Double(abs($1)) } } / Double(correct.count)
    }
    let gPlain = try gradientSize(plain), gStudent = try gradientSize(student)
    print("distillation T=20: student accuracy \(studentAcc), |∇| plain \(gPlain) student \(gStudent), \(Date().timeIntervalSince(start)) s")
    #expect(studentAcc > 0.85)
    #expect(gStudent < gPlain / 2)
    let soft = try distill.softLabels(teacher: teacher, data: d.test).targets.toArray()
    #expect(soft.allSatisfy { $0 > 0 })                                   // softened: no hard zeros
  }

  @Test func specsAndBadParameters() throws {
    let p = try PGDTraining(parsing: "pgd:eps=0.1,steps=7")
    #expect(p.epsilon == 0.1 && p.steps == 7 && abs(p.stepSize - 0.25 / 7) < 1e-7 && p.norm == .linf)
    #expect(try PGDTraining(parsing: p.spec) == p)
    #expect(try PGDTraining(parsing: "pgd:0.3,norm=l2,start=false").randomStart == false)
    for bad in ["pgd:eps=0", "pgd:eps=0.1,steps=0", "fgsm:eps=0.1", "pgd:eps=0.1,lo=1,hi=0", "pgd:eps=0.1,gamma=2", "pgd:steps=3"] {
      #expect(throws: GauntletError.self, "\(bad)") { try PGDTraining(parsing: bad) }
    }
    #expect(throws: GauntletError.self) { try DefensiveDistillation(temperature: 0.5) }
    #expect(throws: GauntletError.self) { try DefensiveDistillation(temperature: .infinity) }
    let d = try Digits.get()
    let wrong = try ModelSpec(parsing: "mlp:64-8-3").build(on: testBackend(), seed: 1)
    #expect(throws: GauntletError.self) {
      try p.fit(wrong, on: d.test, optimizer: try Adam(), options: TrainingOptions(epochs: 1, quiet: true))
    }
  }
}
