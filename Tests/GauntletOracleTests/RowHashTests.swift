import Testing
@testable import Gauntlet

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
