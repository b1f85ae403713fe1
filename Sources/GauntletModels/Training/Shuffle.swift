import GauntletCore

/// Seeded permutations from Philox, for shuffling and subsampling.
public enum Shuffle {
  /// A permutation of `0..<count` by Fisher–Yates on Philox words of `key` (same on every machine).
  public static func permutation(count: Int, key: PhiloxKey) -> [Int32] {
    var p = (0..<max(count, 0)).map { Int32($0) }
    var i = p.count - 1
    var block: UInt64 = 0
    while i > 0 {
      let w = Philox.block(counter: (block, key.stream), key: key)
      block += 1
      for word in [w.0, w.1, w.2, w.3] where i > 0 {
        let j = Int((UInt64(word) * UInt64(i + 1)) >> 32)   // uniform in 0...i (Lemire)
        p.swapAt(i, j)
        i -= 1
      }
    }
    return p
  }
}
