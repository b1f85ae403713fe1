import GauntletCore

/// A small strict JSON reader and writer for safetensors headers: exact 64-bit integers (shapes
/// and byte offsets must not pass through `Double`), a nesting limit, typed errors, no traps.
enum JSONValue: Equatable {
  case object([(String, JSONValue)])
  case array([JSONValue])
  case string(String)
  case int(Int)
  case number(Double)
  case bool(Bool)
  case null

  static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case let (.object(x), .object(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    case let (.array(x), .array(y)): return x == y
    case let (.string(x), .string(y)): return x == y
    case let (.int(x), .int(y)): return x == y
    case let (.number(x), .number(y)): return x == y
    case let (.bool(x), .bool(y)): return x == y
    case (.null, .null): return true
    default: return false
    }
  }

  /// Parses one JSON value filling `bytes` (surrounding whitespace allowed).
  static func parse(_ bytes: ArraySlice<UInt8>, path: String, context: String) throws -> JSONValue {
    var p = JSONParser(s: Array(bytes), path: path, context: context)
    let v = try p.value(depth: 0)
    p.space()
    guard p.i == p.s.count else { throw p.fail("unexpected data after the JSON value at byte \(p.i)") }
    return v
  }

  /// `s` as a JSON string literal.
  static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where u.value < 0x20:
        let h = String(u.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
      default: out.unicodeScalars.append(u)
      }
    }
    return out + "\""
  }
}

private struct JSONParser {
  let s: [UInt8]
  let path: String
  let context: String
  var i = 0
  static let maxDepth = 64

  func fail(_ d: String) -> GauntletError { .malformedFile(path: path, detail: "\(context): \(d)") }

  mutating func space() { while i < s.count, s[i] == 0x20 || s[i] == 0x0A || s[i] == 0x0D || s[i] == 0x09 { i += 1 } }

  mutating func value(depth: Int) throws -> JSONValue {
    guard depth < Self.maxDepth else { throw fail("JSON nested deeper than \(Self.maxDepth)") }
    space()
    guard i < s.count else { throw fail("unexpected end of JSON") }
    switch s[i] {
    case UInt8(ascii: "{"):
      i += 1
      var members: [(String, JSONValue)] = []
      space()
      if i < s.count, s[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
      while true {
        space()
        guard i < s.count, s[i] == UInt8(ascii: "\"") else { throw fail("expected a string key at byte \(i)") }
        let key = try string()
        space()
        guard i < s.count, s[i] == UInt8(ascii: ":") else { throw fail("expected ':' at byte \(i)") }
        i += 1
        members.append((key, try value(depth: depth + 1)))
        space()
        guard i < s.count else { throw fail("unterminated object") }
        if s[i] == UInt8(ascii: ",") { i += 1; continue }
        if s[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
        throw fail("expected ',' or '}' at byte \(i)")
      }
    case UInt8(ascii: "["):
      i += 1
      var items: [JSONValue] = []
      space()
      if i < s.count, s[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
      while true {
        items.append(try value(depth: depth + 1))
        space()
        guard i < s.count else { throw fail("unterminated array") }
        if s[i] == UInt8(ascii: ",") { i += 1; continue }
        if s[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        throw fail("expected ',' or ']' at byte \(i)")
      }
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): try word("true"); return .bool(true)
    case UInt8(ascii: "f"): try word("false"); return .bool(false)
    case UInt8(ascii: "n"): try word("null"); return .null
    default: return try number()
    }
  }

  mutating func word(_ w: String) throws {
    let u = Array(w.utf8)
    guard s.count - i >= u.count, s[i ..< i + u.count].elementsEqual(u) else { throw fail("invalid literal at byte \(i)") }
    i += u.count
  }

  mutating func number() throws -> JSONValue {
    let start = i
    if i < s.count, s[i] == UInt8(ascii: "-") { i += 1 }
    var isInt = true
    while i < s.count {
      let c = s[i]
      if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { i += 1; continue }
      if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
        isInt = false; i += 1; continue
      }
      break
    }
    let text = String(decoding: s[start ..< i], as: UTF8.self)
    guard !text.isEmpty, text != "-" else { throw fail("unexpected character at byte \(start)") }
    if isInt, let n = Int(text) { return .int(n) }
    guard let d = Double(text), d.isFinite else { throw fail("invalid number '\(text.prefix(40))'") }
    return .number(d)
  }

  mutating func string() throws -> String {
    i += 1  // opening quote
    var out: [UInt8] = []
    while true {
      guard i < s.count else { throw fail("unterminated string") }
      let c = s[i]
      i += 1
      if c == UInt8(ascii: "\"") { break }
      guard c >= 0x20 else { throw fail("control character in string at byte \(i - 1)") }
      guard c == UInt8(ascii: "\\") else { out.append(c); continue }
      guard i < s.count else { throw fail("unterminated escape") }
      let e = s[i]
      i += 1
      switch e {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var code = try hex4()
        if (0xD800 ..< 0xDC00).contains(code), s.count - i >= 6, s[i] == UInt8(ascii: "\\"), s[i + 1] == UInt8(ascii: "u") {
          i += 2
          let low = try hex4()
          guard (0xDC00 ..< 0xE000).contains(low) else { throw fail("invalid surrogate pair") }
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
        out += Array(String(Character(scalar)).utf8)
      default: throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
      }
    }
    guard let str = String(validating: out, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
    return str
  }

  mutating func hex4() throws -> UInt32 {
    guard s.count - i >= 4 else { throw fail("truncated \\u escape") }
    var v: UInt32 = 0
    for _ in 0 ..< 4 {
      let c = s[i]
      i += 1
      let d: UInt32
      switch c {
      case UInt8(ascii: "0") ... UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
      case UInt8(ascii: "a") ... UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A") ... UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
      default: throw fail("invalid hex digit in \\u escape")
      }
      v = v << 4 | d
    }
    return v
  }
}
