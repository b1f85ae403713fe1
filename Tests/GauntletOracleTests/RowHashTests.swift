import Testing
@testable import Gauntlet
@testable import GauntletOracle

@Suite("Row hashing")
struct RowHashTests {
  @Test func equalRowsHashEquallyAndSmallChangesDiffer() {
    let a: [Float] = [0.25, -1, 3, 0, 7]
    var b = a
    #expect(RowHash.hash(a[...]) == RowHash.hash(b[...]))
    b[3] = -0.0
    #expect(RowHash.hash(a[...]) == RowHash.hash(b[...]))           // −0 hashes as +0
    b[3] = Float(bitPattern: 1)                                      // smallest subnormal
    #expect(RowHash.hash(a[...]) != RowHash.hash(b[...]))
    #expect(RowHash.hash(a[...], key: 1) != RowHash.hash(a[...], key: 2))
    #expect(RowHash.hash([Float(1), 2][...]) != RowHash.hash([Float(2), 1][...]))
    #expect(RowHash.hash([Float(0)][...]) != RowHash.hash([Float(0), 0][...]))
  }

  @Test func rowsHashesEachRow() {
    let m: [Float] = [1, 2, 3, 4, 1, 2]
    let h = RowHash.rows(m, cols: 2)
    #expect(h.count == 3 && h[0] == h[2] && h[0] != h[1])
    #expect(h[1] == RowHash.hash(m[2..<4]))
  }

  @Test func unitIsUniformEnough() {
    var counts = [Int](repeating: 0, count: 10)
    for i in 0..<10_000 { counts[Int(RowHash.unit(RowHash.hash([Float(i)][...])) * 10)] += 1 }
    #expect(counts.allSatisfy { $0 > 900 && $0 < 1100 })
  }
}

@Suite("Input scan")
struct InputScanTests {
  @Test(arguments: [0, 5, 7, 8, 13, 31])
  func findsNonFiniteValuesAndExtremesAnywhere(_ position: Int) {
    let base = values(32, seed: 4)
    for n in [position + 1, 32] {
      let clean = Array(base.prefix(n))
      let s = clean.withUnsafeBufferPointer { InputScan.scan($0) }
      #expect(s.finite && s.min == clean.min()! && s.max == clean.max()!)
      for bad in [Float.nan, .infinity, -.infinity] {
        var x = clean
        x[position] = bad
        #expect(!x.withUnsafeBufferPointer { InputScan.scan($0) }.finite)
      }
      var x = clean
      x[position] = 5
      #expect(x.withUnsafeBufferPointer { InputScan.scan($0) }.max == 5)
    }
  }
}
