import Foundation
import GauntletCore

/// The `key=value` parameters of one item of a defense or monitor spec, with typed accessors that
/// reject unknown keys and bad values with messages listing what is valid.
public struct SpecParameters: Sendable {
  /// The item's name as written (e.g. `round`).
  public let name: String
  /// `key → value`, in writing order.
  public private(set) var values: [(key: String, value: String)] = []

  init(name: String) { self.name = name }

  mutating func add(key: String, value: String) throws {
    guard !key.isEmpty, !value.isEmpty else {
      throw GauntletError.invalidArgument(name: name, detail: "empty parameter name or value in '\(key)=\(value)'")
    }
    guard !values.contains(where: { $0.key == key }) else {
      throw GauntletError.invalidArgument(name: "\(name).\(key)", detail: "given twice")
    }
    values.append((key, value))
  }

  /// Throws unless every given key is in `allowed`.
  func check(allowed: [String]) throws {
    try checkNoStrayPositional()
    for (k, _) in values where !allowed.contains(k) {
      throw GauntletError.invalidArgument(
        name: "\(name).\(k)", detail: "unknown parameter; valid for \(name): \(allowed.isEmpty ? "(none)" : allowed.joined(separator: ", "))")
    }
  }

  func raw(_ key: String) -> String? { values.first { $0.key == key }?.value }

  func float(_ key: String, default d: Float? = nil) throws -> Float {
    guard let s = raw(key) else {
      if let d { return d }
      throw GauntletError.invalidArgument(name: "\(name).\(key)", detail: "required (e.g. \(name):\(key)=0.1)")
    }
    guard let v = Float(s), v.isFinite else {
      throw GauntletError.invalidArgument(name: "\(name).\(key)", detail: "expected a finite number, got '\(s)'")
    }
    return v
  }

  func double(_ key: String, default d: Double? = nil) throws -> Double {
    guard let s = raw(key) else {
      if let d { return d }
      throw GauntletError.invalidArgument(name: "\(name).\(key)", detail: "required (e.g. \(name):\(key)=0.1)")
    }
    guard let v = Double(s), v.isFinite else {
      throw GauntletError.invalidArgument(name: "\(name).\(key)", detail: "expected a finite number, got '\(s)'")
    }
    return v
  }

  /// Throws if the item was written with a positional value but takes none.
  func checkNoStrayPositional() throws {
    if let v = raw(SpecGrammar.strayPositional) {
      throw GauntletError.invalidArgument(name: name, detail: "takes no positional value; write \(name):key=value (got '\(v)')")
    }
  }

  func int(_ key: String, default d: Int? = nil) throws -> Int {
    guard let s = raw(key) else {
      if let d { return d }
      throw GauntletError.invalidArgument(name: "\(name).\(key)", detail: "required (e.g. \(name):\(key)=3)")
    }
    guard let v = Int(s) else {
      throw GauntletError.invalidArgument(name: "\(name).\(key)", detail: "expected an integer, got '\(s)'")
    }
    return v
  }

  func uint64(_ key: String, default d: UInt64) throws -> UInt64 {
    guard let s = raw(key) else { return d }
    guard let v = UInt64(s) else {
      throw GauntletError.invalidArgument(name: "\(name).\(key)", detail: "expected a non-negative integer, got '\(s)'")
    }
    return v
  }

  func bool(_ key: String, default d: Bool) throws -> Bool {
    guard let s = raw(key) else { return d }
    switch s.lowercased() {
    case "true", "1", "yes", "on": return true
    case "false", "0", "no", "off": return false
    default:
      throw GauntletError.invalidArgument(name: "\(name).\(key)", detail: "expected true or false, got '\(s)'")
    }
  }

  func choice<T: RawRepresentable & CaseIterable>(_ key: String, default d: T) throws -> T where T.RawValue == String {
    guard let s = raw(key) else { return d }
    guard let v = T(rawValue: s.lowercased()) else {
      throw GauntletError.invalidArgument(
        name: "\(name).\(key)", detail: "unknown value '\(s)'; valid: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return v
  }
}

/// The grammar shared by defense-chain and monitor specs:
///
/// ```
/// chain  := "none" | item ((","|";") item)*
/// item   := NAME [":" arg]        -- starts a new defense / monitor
///         | KEY "=" VALUE         -- one more parameter of the item before it
/// arg    := VALUE                 -- the item's positional parameter (e.g. round:2 → decimals=2)
///         | KEY "=" VALUE
/// ```
///
/// Names and keys are case-insensitive; whitespace around tokens is ignored.
/// Examples: `round:2,topk:3` · `reverse-sigmoid:beta=1,gamma=0.1` · `noise:gaussian,sigma=0.05`.
enum SpecGrammar {
  /// Key under which a positional value of an item without a positional parameter is kept, so
  /// that an unknown name is reported before a misplaced value.
  static let strayPositional = "(positional)"

  /// Splits `text` into items, resolving positional arguments with `positional(name)` (the key a
  /// bare `name:value` means; nil if the item takes none).
  static func parse(_ text: String, what: String, positional: (String) -> String?) throws -> [SpecParameters] {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty else {
      throw GauntletError.invalidArgument(name: what, detail: "empty spec; write \"none\" for no \(what)")
    }
    if trimmed.lowercased() == "none" { return [] }
    var items: [SpecParameters] = []
    let tokens = trimmed.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "," || $0 == ";" })
    for raw in tokens {
      let tok = raw.trimmingCharacters(in: .whitespaces)
      guard !tok.isEmpty else {
        throw GauntletError.invalidArgument(name: what, detail: "empty item in '\(text)' (two separators in a row?)")
      }
      let colon = tok.firstIndex(of: ":"), eq = tok.firstIndex(of: "=")
      if let e = eq, colon == nil || e < colon! {
        // key=value continuing the previous item
        guard !items.isEmpty else {
          throw GauntletError.invalidArgument(name: what, detail: "'\(tok)' has no \(what) before it; start with a name, e.g. round:2")
        }
        let key = tok[..<e].trimmingCharacters(in: .whitespaces).lowercased()
        let value = tok[tok.index(after: e)...].trimmingCharacters(in: .whitespaces)
        try items[items.count - 1].add(key: key, value: value)
        continue
      }
      let name = (colon.map { String(tok[..<$0]) } ?? tok).trimmingCharacters(in: .whitespaces).lowercased()
      var item = SpecParameters(name: name)
      if let c = colon {
        let arg = tok[tok.index(after: c)...].trimmingCharacters(in: .whitespaces)
        if let e = arg.firstIndex(of: "=") {
          try item.add(key: arg[..<e].trimmingCharacters(in: .whitespaces).lowercased(),
                       value: arg[arg.index(after: e)...].trimmingCharacters(in: .whitespaces))
        } else {
          try item.add(key: positional(name) ?? strayPositional, value: arg)
        }
      }
      items.append(item)
    }
    return items
  }
}
