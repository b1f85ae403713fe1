import Foundation

/// The share of each client kind in a simulated deployment, e.g. `benign:0.95,square:0.05`.
///
/// Fractions must lie in [0, 1] and sum to 1 (within 1e-6); kinds may not repeat.
///
/// ```swift
/// let mix = try ClientMix(parsing: "benign:0.95,knockoff:0.03,jbda:0.01,square:0.01")
/// mix.assign(clients: 1000)   // 950 benign, 30 knockoff, 10 jbda, 10 square
/// ```
public struct ClientMix: Sendable, Equatable, CustomStringConvertible {
  public struct Entry: Sendable, Equatable {
    public let kind: ClientKind
    public let fraction: Double
  }
  public let entries: [Entry]

  public init(_ entries: [(ClientKind, Double)]) throws {
    self.entries = entries.map { Entry(kind: $0.0, fraction: $0.1) }
    try validate()
  }

  public init(parsing text: String) throws {
    var out: [(ClientKind, Double)] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      let item = part.trimmingCharacters(in: .whitespaces)
      let kv = item.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      guard kv.count == 2, !kv[0].isEmpty else {
        throw SimulationError.badMix("'\(item)' is not KIND:FRACTION (e.g. benign:0.95,square:0.05)")
      }
      let kind = try ClientKind(parsing: kv[0])
      guard let f = Double(kv[1]) else { throw SimulationError.badMix("'\(kv[1])' (for \(kv[0])) is not a number") }
      out.append((kind, f))
    }
    try self.init(out)
  }

  private func validate() throws {
    guard !entries.isEmpty else { throw SimulationError.badMix("empty; give e.g. benign:1") }
    var seen = Set<ClientKind>()
    for e in entries {
      guard e.fraction.isFinite, e.fraction >= 0, e.fraction <= 1 else {
        throw SimulationError.badMix("fraction of \(e.kind.rawValue) must lie in [0, 1], got \(e.fraction)")
      }
      guard seen.insert(e.kind).inserted else { throw SimulationError.badMix("\(e.kind.rawValue) given twice") }
    }
    let sum = entries.reduce(0) { $0 + $1.fraction }
    guard abs(sum - 1) <= 1e-6 else {
      throw SimulationError.badMix(String(format: "fractions sum to %.6g, not 1", sum))
    }
  }

  /// Client kinds for `clients` clients: counts by largest remainder (ties to the earlier entry),
  /// laid out in `ClientKind` order (benign clients first).
  public func assign(clients: Int) throws -> [ClientKind] {
    guard clients >= 1 else { throw SimulationError.noClients }
    let exact = entries.map { $0.fraction * Double(clients) }
    var counts = exact.map { Int($0.rounded(.down)) }
    var left = clients - counts.reduce(0, +)
    let order = entries.indices.sorted { (exact[$0] - Double(counts[$0]), -$0) > (exact[$1] - Double(counts[$1]), -$1) }
    for i in order where left > 0 { counts[i] += 1; left -= 1 }
    var kinds: [ClientKind] = []
    for (e, c) in zip(entries, counts).sorted(by: { $0.0.kind < $1.0.kind }) {
      kinds += Array(repeating: e.kind, count: c)
    }
    return kinds
  }

  public var description: String {
    entries.map { "\($0.kind.rawValue):\($0.fraction)" }.joined(separator: ",")
  }
}
