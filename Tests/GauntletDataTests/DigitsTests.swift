import Testing
@testable import GauntletData
import GauntletCore

@Suite struct DigitsTests {
  @Test func embeddedDataMatchesTheGeneratorsChecksum() throws {
    let (pixels, labels) = try DigitsDecoder.decode()
    #expect(pixels.count == 1797 * 64)
    #expect(labels.count == 1797)
    #expect(pixels.allSatisfy { $0 <= 16 })
    #expect(labels.allSatisfy { $0 <= 9 })
    let h = DigitsDecoder.fnv1a64(labels, seed: DigitsDecoder.fnv1a64(pixels))
    #expect(h == DigitsData.checksum)
  }

  @Test func classCountsAreTheKnownOnes() throws {
    let d = try Datasets.digits()
    // UCI optdigits test set as shipped by scikit-learn.
    #expect(d.classCounts == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    #expect(d.classCounts == DigitsData.classCounts)
    #expect(d.count == 1797 && d.featureCount == 64 && d.sampleShape == [1, 8, 8] && d.classCount == 10)
  }

  @Test func firstImageIsTheUCIZero() throws {
    let d = try Datasets.digits()
    let zero: [Float] = [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0, 0, 8, 8, 0,
                         0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6, 13, 10, 0, 0, 0]
    let (x, y) = d.batch(0 ..< 1)
    #expect(y == [0])
    #expect(x == zero.map { $0 / 16 })
    #expect(d.labels.prefix(10) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  }

  @Test func pixelsAreScaledToUnitRange() throws {
    let d = try Datasets.digits()
    #expect(d.features.min() == 0 && d.features.max() == 1)
    #expect(d.features.allSatisfy { ($0 * 16).rounded() == $0 * 16 })
  }

  @Test func trainTestSplitIsStratifiedAndFixed() throws {
    let (train, test) = try Datasets.digitsTrainTest()
    #expect(train.count == 1438 && test.count == 359)
    // round(0.2 · n_c) per class.
    #expect(test.classCounts == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180].map { Int((Double($0) * 0.2).rounded()) })
    let again = try Datasets.digitsTrainTest()
    #expect(again.test.features == test.features && again.train.labels == train.labels)
  }
}
