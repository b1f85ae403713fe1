import ArgumentParser
import Gauntlet

/// `--dataset SPEC`: `digits` (embedded), `idx:…`, `csv:…`, `npy:…`, `npz:…` (see `Datasets.load`).
struct DatasetOptions: ParsableArguments {
  @Option(help: "Dataset: digits (embedded), idx:IMAGES,LABELS, csv:PATH[,label=first|last][,header], npy:X,Y or npz:PATH.")
  var dataset: String = "digits"

  @Option(help: "Test fraction for datasets without a fixed split (digits has one: 20%, stratified).")
  var testFraction: Double = 0.2

  @Option(help: "Seed of the train/test split for datasets without a fixed split.")
  var splitSeed: UInt64 = 0

  /// The train and test parts: the fixed split for `digits`, a seeded stratified split otherwise.
  func trainTest() throws -> (train: Dataset, test: Dataset) {
    if dataset == "digits" { return try Datasets.digitsTrainTest() }
    guard testFraction > 0, testFraction < 1 else {
      throw ValidationError("--test-fraction must be in (0, 1), got \(testFraction)")
    }
    return try Datasets.load(dataset).split(testFraction: testFraction, seed: splitSeed)
  }
}
