import GauntletCore

/// Reads NumPy `.npy` arrays (format versions 1, 2 and 3; C order).
///
/// Element types: `<f2 <f4 <f8`, `|i1 <i2 <i4 <i8`, `|u1 <u2 <u4 <u8`, `|b1`, and their
/// big-endian (`>`) forms; all converted to `Float` (64-bit values round to nearest). Float data
/// must be finite. Fortran-ordered and structured arrays are rejected with a remedy.
///
/// ```swift
/// let (shape, x) = try NPYReader.read(path: "x.npy")   // np.save("x.npy", x.astype(np.float32))
/// ```
public enum NPYReader {
  static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  /// Reads and parses the file at `path`.
  public static func read(path: String) throws -> (shape: [Int], values: [Float]) {
    try parse(FileBytes.read(path), path: path)
  }

  /// Parses `.npy` `bytes`; `path` names the source in errors.
  public static func parse(_ bytes: [UInt8], path: String) throws -> (shape: [Int], values: [Float]) {
    let r = try parseTyped(bytes, path: path)
    return (r.shape, r.values)
  }

  /// Parses and also reports the stored element type.
  static func parseTyped(_ bytes: [UInt8], path: String) throws -> (shape: [Int], values: [Float], kind: ElementKind) {
    var r = ByteReader(bytes, path: path)
    let m = try r.take(6, "magic")
    guard m.elementsEqual(magic) else {
      throw r.fail("wrong magic: not a .npy file (expected \\x93NUMPY; save with np.save)")
    }
    let major = try r.u8("version"), minor = try r.u8("version")
    let headerLength: Int
    switch major {
    case 1: headerLength = Int(try r.uintLE(2, "header length"))
    case 2, 3: headerLength = Int(try r.uintLE(4, "header length"))
    default: throw r.fail("unsupported .npy format version \(major).\(minor) (1, 2 and 3 are supported)")
    }
    guard headerLength <= r.remaining else {
      throw r.fail("header length \(headerLength) is larger than the \(r.remaining) bytes left in the file")
    }
    let header = try NPYHeader.parse(Array(try r.take(headerLength, "header")), path: path)
    guard !header.fortranOrder else {
      throw r.fail("array is in Fortran order; save np.ascontiguousarray(a) instead")
    }
    let (kind, bigEndian) = try elementKind(header.descr, r)
    guard let count = ShapeMath.count(header.shape), let size = ShapeMath.bytes(count, kind.width) else {
      throw r.fail("shape \(header.shape) is too large")
    }
    guard size == r.remaining else {
      let what = size > r.remaining ? "truncated" : "\(r.remaining - size) trailing bytes"
      throw r.fail("\(what): shape \(header.shape) of '\(header.descr)' needs \(size) data bytes, file has \(r.remaining)")
    }
    let values = ElementDecoding.decode(bytes, offset: r.offset, count: count, kind: kind, bigEndian: bigEndian)
    if kind.isFloat { try requireFinite(values, path: path, what: "npy data") }
    return (header.shape, values, kind)
  }

  /// Maps a numpy type string (`'<f4'`) to an element kind and byte order.
  static func elementKind(_ descr: String, _ r: ByteReader) throws -> (ElementKind, bigEndian: Bool) {
    let u = Array(descr.utf8)
    let unsupported = r.fail("unsupported dtype '\(descr)'; convert with a.astype(np.float32) before np.save")
    guard u.count >= 3, let order = u.first, [UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "|"), UInt8(ascii: "=")].contains(order) else {
      throw unsupported
    }
    let code = String(decoding: u[1...], as: UTF8.self)
    let table: [String: ElementKind] = [
      "f2": .float16, "f4": .float32, "f8": .float64,
      "i1": .int8, "i2": .int16, "i4": .int32, "i8": .int64,
      "u1": .uint8, "u2": .uint16, "u4": .uint32, "u8": .uint64, "b1": .bool,
    ]
    guard let kind = table[code] else { throw unsupported }
    return (kind, order == UInt8(ascii: ">") && kind.width > 1)
  }
}

/// Writes `<f4` `.npy` arrays (format 1.0, C order) that `np.load` reads.
///
/// ```swift
/// try NPYWriter.write(path: "logits.npy", shape: [2, 10], values: logits)
/// ```
public enum NPYWriter {
  /// The `.npy` bytes of `values` under `shape`; throws if the counts differ.
  public static func serialized(shape: [Int], values: [Float]) throws -> [UInt8] {
    guard let n = ShapeMath.count(shape), n == values.count else {
      throw GauntletError.shapeMismatch(operation: "NPYWriter", detail: "\(values.count) values for shape \(shape)")
    }
    let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
    var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }".utf8)
    // numpy pads so that magic (6) + version (2) + length (2) + header is a multiple of 64.
    let total = 10 + header.count + 1
    header += [UInt8](repeating: 0x20, count: (64 - total % 64) % 64) + [0x0A]
    guard header.count <= Int(UInt16.max) else {
      throw GauntletError.invalidArgument(name: "shape", detail: "rank \(shape.count) is too large for a .npy header")
    }
    var out = NPYReader.magic + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
    out.reserveCapacity(out.count + 4 * values.count)
    for v in values {
      let b = v.bitPattern
      out += [UInt8(b & 0xFF), UInt8(b >> 8 & 0xFF), UInt8(b >> 16 & 0xFF), UInt8(b >> 24)]
    }
    return out
  }

  /// Writes `values` under `shape` to `path` atomically.
  public static func write(path: String, shape: [Int], values: [Float]) throws {
    try FileBytes.writeAtomically(serialized(shape: shape, values: values), to: path)
  }
}
