import GauntletCore

/// A parsed JSON value that remembers the line it starts on, so configuration errors can name
/// both the field (`attacks[2].budgets[0]`) and the line. Objects keep their keys in file order;
/// a duplicated key is a syntax error.
public indirect enum JSONNode: Sendable {
  case object([(key: String, value: JSONNode, line: Int)], line: Int)
  case array([JSONNode], line: Int)
  case string(String, line: Int)
  case number(Double, line: Int)
  case bool(Bool, line: Int)
  case null(line: Int)

  /// The 1-based line the value starts on.
  public var line: Int {
    switch self {
    case let .object(_, l), let .array(_, l), let .string(_, l), let .number(_, l), let .bool(_, l): return l
    case let .null(l): return l
    }
  }

  /// What kind of value this is, for error messages.
  public var kindName: String {
    switch self {
    case .object: return "an object"
    case .array: return "an array"
    case .string: return "a string"
    case .number: return "a number"
    case .bool: return "a boolean"
    case .null: return "null"
    }
  }

  /// Parses UTF-8 JSON text. A syntax error throws a `ConfigIssue` with its line.
  public static func parse(_ text: String) throws -> JSONNode {
    var p = JSONLineParser(s: Array(text.utf8))
    let v = try p.value(depth: 0)
    p.space()
    guard p.i == p.s.count else { throw p.fail("unexpected text after the JSON value") }
    return v
  }
}

/// A small recursive-descent JSON parser counting lines as it goes.
struct JSONLineParser {
  let s: [UInt8]
  var i = 0
  var line = 1

  func fail(_ message: String) -> ConfigIssue { ConfigIssue(field: "(syntax)", line: line, message: message) }

  mutating func space() {
    while i < s.count, s[i] == 0x20 || s[i] == 0x0A || s[i] == 0x0D || s[i] == 0x09 {
      if s[i] == 0x0A { line += 1 }
      i += 1
    }
  }

  mutating func value(depth: Int) throws -> JSONNode {
    guard depth < 64 else { throw fail("JSON nested deeper than 64 levels") }
    space()
    guard i < s.count else { throw fail("unexpected end of the file") }
    let at = line
    switch s[i] {
    case UInt8(ascii: "{"):
      i += 1
      var members: [(key: String, value: JSONNode, line: Int)] = []
      space()
      if i < s.count, s[i] == UInt8(ascii: "}") { i += 1; return .object(members, line: at) }
      while true {
        space()
        guard i < s.count, s[i] == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
        let keyLine = line
        let key = try string()
        if members.contains(where: { $0.key == key }) { throw fail("key '\(key)' appears twice in one object") }
        space()
        guard i < s.count, s[i] == UInt8(ascii: ":") else { throw fail("expected ':' after key '\(key)'") }
        i += 1
        members.append((key, try value(depth: depth + 1), keyLine))
        space()
        guard i < s.count else { throw fail("unterminated object (missing '}')") }
        if s[i] == UInt8(ascii: ",") { i += 1; continue }
        if s[i] == UInt8(ascii: "}") { i += 1; return .object(members, line: at) }
        throw fail("expected ',' or '}' after the value of '\(key)'")
      }
    case UInt8(ascii: "["):
      i += 1
      var items: [JSONNode] = []
      space()
      if i < s.count, s[i] == UInt8(ascii: "]") { i += 1; return .array(items, line: at) }
      while true {
        items.append(try value(depth: depth + 1))
        space()
        guard i < s.count else { throw fail("unterminated array (missing ']')") }
        if s[i] == UInt8(ascii: ",") { i += 1; continue }
        if s[i] == UInt8(ascii: "]") { i += 1; return .array(items, line: at) }
        throw fail("expected ',' or ']' in an array")
      }
    case UInt8(ascii: "\""): return .string(try string(), line: at)
    case UInt8(ascii: "t"): try word("true"); return .bool(true, line: at)
    case UInt8(ascii: "f"): try word("false"); return .bool(false, line: at)
    case UInt8(ascii: "n"): try word("null"); return .null(line: at)
    default: return .number(try number(), line: at)
    }
  }

  mutating func word(_ w: String) throws {
    let u = Array(w.utf8)
    guard s.count - i >= u.count, s[i ..< i + u.count].elementsEqual(u) else { throw fail("invalid literal (expected \(w))") }
    i += u.count
  }

  mutating func number() throws -> Double {
    let start = i
    while i < s.count, (s[i] >= UInt8(ascii: "0") && s[i] <= UInt8(ascii: "9")) || s[i] == UInt8(ascii: "-")
      || s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: ".") || s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E") {
      i += 1
    }
    let text = String(decoding: s[start ..< i], as: UTF8.self)
    guard !text.isEmpty else { throw fail("unexpected character '\(String(decoding: s[i ..< min(i + 1, s.count)], as: UTF8.self))'") }
    guard let d = Double(text), d.isFinite else { throw fail("invalid number '\(text.prefix(40))'") }
    return d
  }

  mutating func string() throws -> String {
    i += 1
    var out: [UInt8] = []
    while i < s.count {
      let c = s[i]
      if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
      if c == 0x0A { throw fail("unterminated string") }
      if c == UInt8(ascii: "\\") {
        guard i + 1 < s.count else { break }
        let e = s[i + 1]
        i += 2
        switch e {
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "u"):
          guard i + 4 <= s.count, let v = UInt32(String(decoding: s[i ..< i + 4], as: UTF8.self), radix: 16),
                let scalar = Unicode.Scalar(v) else { throw fail("invalid \\u escape") }
          out += Array(String(Character(scalar)).utf8)
          i += 4
        default: out.append(e)
        }
        continue
      }
      out.append(c)
      i += 1
    }
    throw fail("unterminated string")
  }
}
