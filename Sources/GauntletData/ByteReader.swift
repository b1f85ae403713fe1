import GauntletCore

/// A bounds-checked cursor over bytes: every read that would pass the end throws
/// `malformedFile` naming the file and what was being read, so parsers never trap.
struct ByteReader {
  let bytes: [UInt8]
  let path: String
  var offset: Int = 0

  init(_ bytes: [UInt8], path: String, offset: Int = 0) {
    self.bytes = bytes; self.path = path; self.offset = offset
  }

  var remaining: Int { bytes.count - offset }

  func fail(_ detail: String) -> GauntletError { .malformedFile(path: path, detail: detail) }

  /// Throws unless `n` more bytes are available for `what`.
  func need(_ n: Int, _ what: String) throws {
    guard n >= 0, n <= remaining else {
      throw fail("truncated: \(what) needs \(n) bytes at offset \(offset), only \(max(remaining, 0)) left")
    }
  }

  mutating func u8(_ what: String) throws -> UInt8 {
    try need(1, what)
    defer { offset += 1 }
    return bytes[offset]
  }

  mutating func take(_ n: Int, _ what: String) throws -> ArraySlice<UInt8> {
    try need(n, what)
    defer { offset += n }
    return bytes[offset ..< offset + n]
  }

  mutating func skip(_ n: Int, _ what: String) throws { try need(n, what); offset += n }

  /// Unsigned little-endian integer of `width` bytes (≤ 8).
  mutating func uintLE(_ width: Int, _ what: String) throws -> UInt64 {
    try need(width, what)
    var v: UInt64 = 0
    for i in 0 ..< width { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
    offset += width
    return v
  }

  /// Unsigned big-endian integer of `width` bytes (≤ 8).
  mutating func uintBE(_ width: Int, _ what: String) throws -> UInt64 {
    try need(width, what)
    var v: UInt64 = 0
    for i in 0 ..< width { v = v << 8 | UInt64(bytes[offset + i]) }
    offset += width
    return v
  }
}

/// Shape arithmetic shared by the readers: element counts and byte sizes that refuse to overflow.
enum ShapeMath {
  /// Product of `shape` (1 for a scalar), or nil on a negative dimension or overflow.
  static func count(_ shape: [Int]) -> Int? {
    var n = 1
    for d in shape {
      guard d >= 0 else { return nil }
      let (p, o) = n.multipliedReportingOverflow(by: d)
      guard !o else { return nil }
      n = p
    }
    return n
  }

  /// `count × width`, or nil on overflow.
  static func bytes(_ count: Int, _ width: Int) -> Int? {
    let (p, o) = count.multipliedReportingOverflow(by: width)
    return o ? nil : p
  }
}

/// Throws `malformedFile` at the first non-finite value, naming its index.
func requireFinite(_ values: [Float], path: String, what: String) throws {
  for i in values.indices where !values[i].isFinite {
    throw GauntletError.malformedFile(
      path: path, detail: "\(what) holds a non-finite value (\(values[i])) at element \(i); clean the data (e.g. np.nan_to_num) and save again")
  }
}
