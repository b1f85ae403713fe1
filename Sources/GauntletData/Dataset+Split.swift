import GauntletCore

extension Dataset {
  /// A reproducible train/test split: the same `seed` gives the same split on every machine.
  ///
  /// With `stratified` (the default), each class contributes `round(n_c · testFraction)` of its
  /// `n_c` samples to the test set, so class proportions are kept; otherwise
  /// `round(count · testFraction)` samples are drawn from the whole set. Samples are chosen by a
  /// Fisher–Yates shuffle driven by Philox4x32-10 (`PhiloxKey(seed:)`, one derived stream per
  /// class); both parts keep the original sample order (shuffle per epoch when training).
  /// Throws unless `0 < testFraction < 1` and both parts end up non-empty.
  public func split(testFraction: Double, seed: UInt64, stratified: Bool = true) throws -> (train: Dataset, test: Dataset) {
    guard testFraction.isFinite, testFraction > 0, testFraction < 1 else {
      throw GauntletError.invalidArgument(name: "testFraction", detail: "must be in (0, 1), got \(testFraction)")
    }
    let key = PhiloxKey(seed: seed, stream: 0x5B17)
    var isTest = [Bool](repeating: false, count: count)
    var groups: [[Int]]
    if stratified {
      groups = [[Int]](repeating: [], count: classCount)
      for (i, l) in labels.enumerated() { groups[Int(l)].append(i) }
    } else {
      groups = [Array(0 ..< count)]
    }
    for (g, members) in groups.enumerated() {
      let take = Int((Double(members.count) * testFraction).rounded())
      var stream = PhiloxWords(key: key.derived(UInt64(g)))
      let shuffled = stream.shuffled(members)
      for i in shuffled.prefix(take) { isTest[i] = true }
    }
    let test = (0 ..< count).filter { isTest[$0] }
    let train = (0 ..< count).filter { !isTest[$0] }
    guard !test.isEmpty, !train.isEmpty else {
      throw GauntletError.invalidArgument(
        name: "testFraction", detail: "\(testFraction) of \(count) samples leaves \(train.count) train and \(test.count) test samples; both must be non-empty")
    }
    var tr = try subset(train), te = try subset(test)
    tr.name = "\(name)[train]"; te.name = "\(name)[test]"
    return (tr, te)
  }
}

/// Consecutive 32-bit words of one Philox stream (block 0 words 0…3, block 1, …).
struct PhiloxWords {
  let key: PhiloxKey
  var block: UInt64 = 0
  var word = 4
  var current: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)

  init(key: PhiloxKey) { self.key = key }

  mutating func next() -> UInt32 {
    if word == 4 {
      current = Philox.block(counter: (block, key.stream), key: key)
      block &+= 1
      word = 0
    }
    defer { word += 1 }
    switch word {
    case 0: return current.0
    case 1: return current.1
    case 2: return current.2
    default: return current.3
    }
  }

  /// Uniform integer in `0..<bound` (`bound ≥ 1`) by Lemire's multiply-shift with rejection.
  mutating func below(_ bound: UInt32) -> UInt32 {
    var m = UInt64(next()) * UInt64(bound)
    if UInt32(truncatingIfNeeded: m) < bound {
      let threshold = (0 &- bound) % bound
      while UInt32(truncatingIfNeeded: m) < threshold { m = UInt64(next()) * UInt64(bound) }
    }
    return UInt32(truncatingIfNeeded: m >> 32)
  }

  /// Fisher–Yates shuffle (Durstenfeld's in-place form).
  mutating func shuffled<T>(_ items: [T]) -> [T] {
    var a = items
    var i = a.count - 1
    while i > 0 {
      let j = Int(below(UInt32(i + 1)))
      a.swapAt(i, j)
      i -= 1
    }
    return a
  }
}
