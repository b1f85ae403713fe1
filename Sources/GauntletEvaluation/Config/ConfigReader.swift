/// Reads one JSON object of a configuration, collecting problems instead of stopping at the first:
/// wrong types, out-of-range values and unknown keys all become `ConfigIssue`s with field and line.
final class ConfigReader {
  let field: String
  let line: Int
  private let members: [(key: String, value: JSONNode, line: Int)]
  private var used: Set<String> = []
  private let sink: IssueSink

  /// Nil (with an issue recorded) when `node` is not an object.
  init?(_ node: JSONNode, field: String, sink: IssueSink) {
    guard case let .object(m, l) = node else {
      sink.add(field, node.line, "must be an object, got \(node.kindName)")
      return nil
    }
    self.field = field; self.line = l; self.members = m; self.sink = sink
  }

  func path(_ key: String) -> String { field.isEmpty ? key : "\(field).\(key)" }

  /// The raw node of `key`, marking it as known.
  func node(_ key: String) -> JSONNode? {
    used.insert(key)
    return members.first { $0.key == key }?.value
  }

  func has(_ key: String) -> Bool { members.contains { $0.key == key } }

  func missing(_ key: String, _ hint: String) { sink.add(path(key), line, "required: \(hint)") }

  func string(_ key: String, default d: String? = nil) -> String? {
    guard let n = node(key) else { return d }
    guard case let .string(s, _) = n else { sink.add(path(key), n.line, "must be a string, got \(n.kindName)"); return nil }
    return s
  }

  /// An integer within `range`.
  func int(_ key: String, default d: Int? = nil, range: ClosedRange<Int> = 1...Int.max, what: String = "an integer ≥ 1") -> Int? {
    guard let n = node(key) else { return d }
    return ConfigReader.int(n, field: path(key), range: range, what: what, sink: sink)
  }

  static func int(_ n: JSONNode, field: String, range: ClosedRange<Int>, what: String, sink: IssueSink) -> Int? {
    guard case let .number(v, l) = n, v == v.rounded(), Swift.abs(v) < 9e15 else {
      sink.add(field, n.line, "must be \(what), got \(describe(n))"); return nil
    }
    guard range.contains(Int(v)) else { sink.add(field, l, "must be \(what), got \(Int(v))"); return nil }
    return Int(v)
  }

  /// A number or a list of numbers, each checked by `valid`.
  func numbers(_ key: String, what: String, valid: (Double) -> Bool) -> [Double]? {
    guard let n = node(key) else { return nil }
    let items: [(JSONNode, String)]
    switch n {
    case let .array(a, l):
      if a.isEmpty { sink.add(path(key), l, "must list at least one value"); return nil }
      items = a.enumerated().map { ($1, "\(path(key))[\($0)]") }
    default: items = [(n, path(key))]
    }
    var out: [Double] = []
    var ok = true
    for (item, f) in items {
      guard case let .number(v, l) = item else { sink.add(f, item.line, "must be \(what), got \(ConfigReader.describe(item))"); ok = false; continue }
      guard valid(v) else { sink.add(f, l, "must be \(what), got \(ConfigReader.describe(item))"); ok = false; continue }
      // A repeated value would plan the same cell twice.
      if out.contains(v) { sink.add(f, l, "repeats \(ConfigReader.describe(item)); list each value once"); ok = false; continue }
      out.append(v)
    }
    return ok ? out : nil
  }

  /// A list of strings (a single string is a list of one).
  func strings(_ key: String) -> [(String, Int)]? {
    guard let n = node(key) else { return nil }
    switch n {
    case let .string(s, l): return [(s, l)]
    case let .array(a, l):
      if a.isEmpty { sink.add(path(key), l, "must list at least one entry"); return nil }
      var out: [(String, Int)] = []
      for (i, item) in a.enumerated() {
        guard case let .string(s, l2) = item else { sink.add("\(path(key))[\(i)]", item.line, "must be a string, got \(item.kindName)"); continue }
        out.append((s, l2))
      }
      return out
    default:
      sink.add(path(key), n.line, "must be a string or a list of strings, got \(n.kindName)"); return nil
    }
  }

  /// Records an issue for every key not read, listing the valid ones.
  func rejectUnknownKeys() {
    for m in members where !used.contains(m.key) {
      sink.add(path(m.key), m.line, "unknown key; valid here: \(used.sorted().joined(separator: ", "))")
    }
  }

  static func describe(_ n: JSONNode) -> String {
    switch n {
    case let .number(v, _): return v == v.rounded() && Swift.abs(v) < 1e15 ? String(Int(v)) : String(v)
    case let .string(s, _): return "\"\(s)\""
    default: return n.kindName
    }
  }
}

/// Collects configuration problems.
final class IssueSink {
  private(set) var issues: [ConfigIssue] = []
  func add(_ field: String, _ line: Int, _ message: String) {
    issues.append(ConfigIssue(field: field, line: line, message: message))
  }
}
