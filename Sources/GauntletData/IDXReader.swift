import GauntletCore

/// Reads IDX files, the format of MNIST and Fashion-MNIST (`train-images-idx3-ubyte`, …).
///
/// Layout (LeCun et al., http://yann.lecun.com/exdb/mnist/): two zero bytes, a type byte
/// (`0x08` u8, `0x09` i8, `0x0B` i16, `0x0C` i32, `0x0D` f32, `0x0E` f64), the number of
/// dimensions, each dimension as a big-endian `UInt32`, then the values, big-endian, C order.
/// Values come back as stored (u8 pixels stay 0…255; `Datasets.load` scales them).
///
/// ```swift
/// let (shape, pixels) = try IDXReader.read(path: "train-images-idx3-ubyte")  // [60000, 28, 28]
/// ```
public enum IDXReader {
  /// Reads and parses the file at `path`.
  public static func read(path: String) throws -> (shape: [Int], values: [Float]) {
    try parse(FileBytes.read(path), path: path)
  }

  /// Parses IDX `bytes`; `path` names the source in errors.
  public static func parse(_ bytes: [UInt8], path: String) throws -> (shape: [Int], values: [Float]) {
    let r = try parseTyped(bytes, path: path)
    return (r.shape, r.values)
  }

  /// Element type codes of the IDX header.
  static func kind(forTypeCode code: UInt8) -> ElementKind? {
    switch code {
    case 0x08: return .uint8
    case 0x09: return .int8
    case 0x0B: return .int16
    case 0x0C: return .int32
    case 0x0D: return .float32
    case 0x0E: return .float64
    default: return nil
    }
  }

  /// Parses and also reports the stored element type (the loader scales u8 images).
  static func parseTyped(_ bytes: [UInt8], path: String) throws -> (shape: [Int], values: [Float], kind: ElementKind) {
    var r = ByteReader(bytes, path: path)
    if bytes.count >= 2, bytes[0] == 0x1F, bytes[1] == 0x8B {
      throw r.fail("this is a gzip file, not raw IDX; decompress it first (gunzip \(path))")
    }
    let z0 = try r.u8("magic"), z1 = try r.u8("magic")
    guard z0 == 0, z1 == 0 else {
      throw r.fail("wrong magic: IDX files start with two zero bytes, found 0x\(hex(z0)) 0x\(hex(z1))")
    }
    let code = try r.u8("type code")
    guard let kind = kind(forTypeCode: code) else {
      throw r.fail("unknown element type code 0x\(hex(code)) (expected 08 u8, 09 i8, 0B i16, 0C i32, 0D f32 or 0E f64)")
    }
    let rank = Int(try r.u8("number of dimensions"))
    guard rank >= 1 else { throw r.fail("zero dimensions; an IDX file holds at least one") }
    var shape: [Int] = []
    for i in 0 ..< rank { shape.append(Int(try r.uintBE(4, "dimension \(i) of \(rank)"))) }
    guard let count = ShapeMath.count(shape), let size = ShapeMath.bytes(count, kind.width) else {
      throw r.fail("shape \(shape) is too large")
    }
    guard size == r.remaining else {
      let what = size > r.remaining ? "truncated" : "\(r.remaining - size) trailing bytes"
      throw r.fail("\(what): shape \(shape) of \(kind) needs \(size) data bytes, file has \(r.remaining)")
    }
    let values = ElementDecoding.decode(bytes, offset: r.offset, count: count, kind: kind, bigEndian: true)
    if kind.isFloat { try requireFinite(values, path: path, what: "IDX data") }
    return (shape, values, kind)
  }

  static func hex(_ b: UInt8) -> String {
    let s = String(b, radix: 16, uppercase: true)
    return s.count == 1 ? "0" + s : s
  }
}
