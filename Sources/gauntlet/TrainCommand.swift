import ArgumentParser
import Foundation
import Gauntlet

/// `gauntlet train`: trains a victim and saves it as a `.gmodel` file.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train", abstract: "Train a model on a dataset and save it (.gmodel).")

  @OptionGroup var data: DatasetOptions
  @OptionGroup var backendOptions: BackendOptions

  @Option(help: "Architecture: mlp:64-128-64-10, cnn:digits, or a JSON layer list.")
  var arch: String = "mlp:64-128-64-10"

  @Option(help: "Epochs.") var epochs: Int = 20
  @Option(help: "Mini-batch size.") var batchSize: Int = 32
  @Option(help: "Adam learning rate.") var lr: Float = 1e-3
  @Option(help: "Seed for initialization and shuffling.") var seed: UInt64 = 1
  @Option(help: "Output model file.") var out: String = "victim.gmodel"
  @Flag(help: "No progress bar.") var quiet = false
  @Option(help: "PGD adversarial training (Madry et al. 2018), e.g. pgd:eps=0.1,steps=7.") var adversarial: String?
  @Option(help: "Defensive distillation at temperature T (Papernot et al. 2016): trains a teacher, saves the student.")
  var distill: Float?

  func validate() throws {
    guard epochs > 0 else { throw ValidationError("--epochs must be > 0") }
    guard batchSize > 0 else { throw ValidationError("--batch-size must be > 0") }
    guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be a positive number") }
    if adversarial != nil && distill != nil { throw ValidationError("choose --adversarial or --distill, not both") }
  }

  func run() throws {
    let backend = try backendOptions.make()
    let (train, test) = try data.trainTest()
    let spec = try ModelSpec(parsing: arch)
    let model = try spec.build(on: backend, seed: seed)
    let options = TrainingOptions(epochs: epochs, batchSize: batchSize, seed: seed, quiet: quiet)
    let trainSet = try TrainingSet(train, on: backend), testSet = try TrainingSet(test, on: backend)
    let t0 = Date()
    var saved = model
    var how = "standard"
    if let adversarial {
      let pgd = try PGDTraining(parsing: adversarial)
      try pgd.fit(model, on: trainSet, optimizer: try Adam(learningRate: lr), options: options, validation: testSet)
      how = "adversarial \(pgd.spec)"
    } else if let distill {
      let d = try DefensiveDistillation(temperature: distill)
      let student = try spec.build(on: backend, seed: seed &+ 1)
      try d.fit(teacher: model, student: student, on: trainSet, teacherOptimizer: try Adam(learningRate: lr),
                studentOptimizer: try Adam(learningRate: lr), options: options, validation: testSet)
      saved = student
      how = "distilled T=\(distill)"
    } else {
      _ = try Trainer(optimizer: try Adam(learningRate: lr), options: options).fit(model, on: trainSet, validation: testSet)
    }
    try saved.save(path: out)
    let acc = try evaluate(model: saved, on: testSet).accuracy
    print("trained \(arch) (\(how)) on \(train.count) samples (\(backend.name)) in "
          + "\(String(format: "%.2f", Date().timeIntervalSince(t0))) s; test accuracy \(String(format: "%.2f%%", acc * 100)) "
          + "on \(test.count); saved \(out)")
  }
}
