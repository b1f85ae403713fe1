import Testing
@testable import GauntletData
import GauntletCore

@Suite struct DatasetTests {
  func toy(_ n: Int = 30, classes: Int = 3) throws -> Dataset {
    try Dataset(name: "toy", features: (0 ..< n * 2).map { Float($0) }, labels: (0 ..< n).map { Int32($0 % classes) },
                sampleShape: [2], classCount: classes)
  }

  @Test func initValidates() throws {
    #expect(throws: GauntletError.self) { try Dataset(name: "a", features: [1, 2, 3], labels: [0, 1], sampleShape: [2], classCount: 2) }
    #expect(throws: GauntletError.self) { try Dataset(name: "a", features: [1, 2], labels: [2], sampleShape: [2], classCount: 2) }
    #expect(throws: GauntletError.self) { try Dataset(name: "a", features: [1, 2], labels: [-1], sampleShape: [2], classCount: 2) }
    #expect(throws: GauntletError.self) { try Dataset(name: "a", features: [1, .nan], labels: [0], sampleShape: [2], classCount: 2) }
    #expect(throws: GauntletError.self) { try Dataset(name: "a", features: [], labels: [], sampleShape: [0], classCount: 2) }
    #expect(throws: GauntletError.self) { try Dataset(name: "a", features: [1], labels: [0], sampleShape: [1], classCount: 0) }
    let ok = try Dataset(name: "a", features: [1, 2, 3, 4], labels: [0, 1], sampleShape: [1, 1, 2], classCount: 2)
    #expect(ok.count == 2 && ok.featureCount == 2)
  }

  @Test func subsetAndBatch() throws {
    let d = try toy()
    let s = try d.subset([4, 0, 4])
    #expect(s.labels == [1, 0, 1])
    #expect(s.features == [8, 9, 0, 1, 8, 9])
    #expect(throws: GauntletError.self) { try d.subset([30]) }
    let b = d.batch(28 ..< 40)  // clamped
    #expect(b.labels == [1, 2] && b.features == [56, 57, 58, 59])
    #expect(d.batch(50 ..< 60).labels.isEmpty)
  }

  @Test func splitIsReproduciblePartitionAndSeedDependent() throws {
    let d = try toy(101, classes: 4)
    let a = try d.split(testFraction: 0.3, seed: 7)
    let b = try d.split(testFraction: 0.3, seed: 7)
    let c = try d.split(testFraction: 0.3, seed: 8)
    #expect(a.test.features == b.test.features)
    #expect(a.test.features != c.test.features)
    #expect(a.train.count + a.test.count == 101)
    // Features are unique per sample (2i, 2i+1): the parts are disjoint and cover everything.
    let ids = Set(a.train.features.enumerated().filter { $0.offset % 2 == 0 }.map { Int($0.element) / 2 })
      .union(a.test.features.enumerated().filter { $0.offset % 2 == 0 }.map { Int($0.element) / 2 })
    #expect(ids.count == 101)
    #expect(a.test.classCounts == d.classCounts.map { Int((Double($0) * 0.3).rounded()) })
    let u = try d.split(testFraction: 0.3, seed: 7, stratified: false)
    #expect(u.test.count == 30)
  }

  @Test func splitRejectsBadFractions() throws {
    let d = try toy(3)
    for f in [0, 1, -0.5, .nan, 0.01] {
      #expect(throws: GauntletError.self) { try d.split(testFraction: f, seed: 1) }
    }
  }

  @Test func shuffleIsUniformEnough() {
    // Each of 5 items lands in position 0 about 1/5 of the time over 5000 shuffles.
    var hits = [Int](repeating: 0, count: 5)
    var s = PhiloxWords(key: PhiloxKey(seed: 3))
    for _ in 0 ..< 5000 { hits[s.shuffled([0, 1, 2, 3, 4])[0]] += 1 }
    #expect(hits.allSatisfy { $0 > 850 && $0 < 1150 }, "\(hits)")
  }

  @Test func loadSpecs() throws {
    #expect(try Datasets.load("digits").count == 1797)
    let idx = try Datasets.load("idx:\(Fixture.path("images.idx3-ubyte")),\(Fixture.path("labels.idx1-ubyte"))")
    #expect(idx.sampleShape == [1, 4, 3] && idx.count == 6 && idx.classCount == 3)
    #expect(idx.features == Fixture.bytesPattern(72).map { $0 / 255 })
    #expect(idx.labels == Fixture.classes(6))
    let npy = try Datasets.load("npy:\(Fixture.path("ds_x.npy")),\(Fixture.path("ds_y.npy"))")
    #expect(npy.features == idx.features && npy.labels == idx.labels && npy.sampleShape == [1, 4, 3])
    let npz = try Datasets.load("npz:\(Fixture.path("arrays.npz"))")
    #expect(npz.features == Fixture.pattern(72) && npz.labels == Fixture.classes(6))
    let csv = try Datasets.load("csv:\(Fixture.path("small.csv")),header")
    #expect(csv.sampleShape == [3] && csv.features == Fixture.pattern(18) && csv.labels == Fixture.classes(6))
    let first = try Datasets.load("csv:\(Fixture.path("label_first.csv")),label=first")
    #expect(first.features == csv.features && first.labels == csv.labels)
  }

  @Test func loadSpecErrorsSayWhatIsWrong() {
    #expect(throws: GauntletError.self) { try Datasets.load("mnist") }
    #expect(throws: GauntletError.self) { try Datasets.load("idx:only-one") }
    #expect(throws: GauntletError.self) { try Datasets.load("csv:\(Fixture.path("small.csv")),bogus") }
    // Mismatched counts: 6 images, 3×4 labels.
    expectMalformed("labels have shape") {
      _ = try Datasets.load("npy:\(Fixture.path("ds_x.npy")),\(Fixture.path("f4_3x4.npy"))")
    }
    // Non-integer labels.
    expectMalformed("not a class index") {
      _ = try Datasets.load("csv:\(Fixture.path("label_first.csv")),label=last")
    }
    do {
      _ = try Datasets.load("csv:/nonexistent/file.csv")
      Issue.record("expected an error")
    } catch let GauntletError.io(path, _) {
      #expect(path == "/nonexistent/file.csv")
    } catch { Issue.record("\(error)") }
  }
}
