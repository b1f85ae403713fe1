import GauntletCore

/// The Python-literal dictionary at the head of a `.npy` file, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
///
/// A small recursive-descent parser for just the literals numpy writes: quoted strings,
/// `True`/`False`, integers and (nested) tuples or lists. Anything else is a typed error.
struct NPYHeader {
  var descr: String
  var fortranOrder: Bool
  var shape: [Int]

  enum Value { case string(String), bool(Bool), int(Int), tuple([Value]) }

  static func parse(_ text: [UInt8], path: String) throws -> NPYHeader {
    var p = Parser(s: text, path: path)
    p.skipSpace()
    guard case let .dict(d)? = try p.dictionary() else {
      throw p.fail("header is not a Python dictionary literal")
    }
    guard case let .string(descr)? = d["descr"] else { throw p.fail("header has no string 'descr'") }
    guard case let .bool(fortran)? = d["fortran_order"] else { throw p.fail("header has no boolean 'fortran_order'") }
    guard case let .tuple(dims)? = d["shape"] else { throw p.fail("header has no tuple 'shape'") }
    var shape: [Int] = []
    for dim in dims {
      guard case let .int(n) = dim, n >= 0 else { throw p.fail("shape entries must be non-negative integers") }
      shape.append(n)
    }
    return NPYHeader(descr: descr, fortranOrder: fortran, shape: shape)
  }

  private enum Top { case dict([String: Value]) }

  private struct Parser {
    let s: [UInt8]
    let path: String
    var i = 0
    var depth = 0

    func fail(_ detail: String) -> GauntletError { .malformedFile(path: path, detail: "npy header: \(detail)") }

    mutating func skipSpace() { while i < s.count, s[i] == 0x20 || s[i] == 0x0A || s[i] == 0x09 || s[i] == 0x0D { i += 1 } }

    mutating func expect(_ c: UInt8) throws {
      skipSpace()
      guard i < s.count, s[i] == c else {
        throw fail("expected '\(Character(Unicode.Scalar(c)))' at byte \(i)")
      }
      i += 1
    }

    mutating func dictionary() throws -> Top? {
      try expect(UInt8(ascii: "{"))
      var d: [String: Value] = [:]
      while true {
        skipSpace()
        guard i < s.count else { throw fail("unterminated dictionary") }
        if s[i] == UInt8(ascii: "}") { i += 1; return .dict(d) }
        guard case let .string(key) = try value() else { throw fail("dictionary keys must be strings") }
        try expect(UInt8(ascii: ":"))
        d[key] = try value()
        skipSpace()
        guard i < s.count else { throw fail("unterminated dictionary") }
        if s[i] == UInt8(ascii: ",") { i += 1 } else if s[i] != UInt8(ascii: "}") {
          throw fail("expected ',' or '}' at byte \(i)")
        }
      }
    }

    mutating func value() throws -> Value {
      skipSpace()
      guard i < s.count else { throw fail("unexpected end of header") }
      let c = s[i]
      if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
        i += 1
        let start = i
        while i < s.count, s[i] != c { i += 1 }
        guard i < s.count else { throw fail("unterminated string") }
        defer { i += 1 }
        return .string(String(decoding: s[start ..< i], as: UTF8.self))
      }
      if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") {
        let close = c == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "]")
        depth += 1
        defer { depth -= 1 }
        guard depth <= 16 else { throw fail("nesting deeper than 16") }
        i += 1
        var items: [Value] = []
        while true {
          skipSpace()
          guard i < s.count else { throw fail("unterminated tuple") }
          if s[i] == close { i += 1; return .tuple(items) }
          items.append(try value())
          skipSpace()
          guard i < s.count else { throw fail("unterminated tuple") }
          if s[i] == UInt8(ascii: ",") { i += 1 } else if s[i] != close { throw fail("expected ',' in tuple at byte \(i)") }
        }
      }
      if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
        var n = 0
        while i < s.count, s[i] >= UInt8(ascii: "0"), s[i] <= UInt8(ascii: "9") {
          let (m, o1) = n.multipliedReportingOverflow(by: 10)
          let (a, o2) = m.addingReportingOverflow(Int(s[i] - UInt8(ascii: "0")))
          guard !o1, !o2 else { throw fail("integer too large at byte \(i)") }
          n = a; i += 1
        }
        if i < s.count, s[i] == UInt8(ascii: "L") { i += 1 }  // Python 2 long suffix
        return .int(n)
      }
      for (word, v) in [("True", true), ("False", false)] where s[i...].starts(with: Array(word.utf8)) {
        i += word.utf8.count
        return .bool(v)
      }
      throw fail("unexpected character '\(Character(Unicode.Scalar(c)))' at byte \(i)")
    }
  }
}
