import GauntletCore

/// `--shard i/n`: this process runs cells whose position in the plan is ≡ i−1 (mod n), 1 ≤ i ≤ n.
/// The slice is deterministic, so any batch scheduler can run the n shards anywhere.
public struct ShardSpec: Sendable, Hashable, Codable, CustomStringConvertible {
  public var index: Int
  public var count: Int

  public static let whole = ShardSpec(uncheckedIndex: 1, count: 1)

  init(uncheckedIndex: Int, count: Int) { self.index = uncheckedIndex; self.count = count }

  public init(index: Int, count: Int) throws {
    guard count >= 1, (1...count).contains(index) else {
      throw GauntletError.invalidArgument(name: "shard", detail: "need 1 ≤ i ≤ n in i/n, got \(index)/\(count)")
    }
    self.index = index; self.count = count
  }

  /// Parses `i/n`, e.g. `2/4`.
  public init(parsing text: String) throws {
    let p = text.split(separator: "/")
    guard p.count == 2, let i = Int(p[0]), let n = Int(p[1]) else {
      throw GauntletError.invalidArgument(name: "shard", detail: "'\(text)' is not i/n (e.g. 2/4)")
    }
    try self.init(index: i, count: n)
  }

  public func contains(position: Int) -> Bool { position % count == index - 1 }
  public var description: String { "\(index)/\(count)" }
}
