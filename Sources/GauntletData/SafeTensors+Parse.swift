import GauntletCore

extension SafeTensors {
  /// Parses safetensors `bytes`; `path` names the source in errors.
  public static func parse(_ bytes: [UInt8], path: String) throws -> SafeTensors {
    var r = ByteReader(bytes, path: path)
    let declared = try r.uintLE(8, "header length")
    guard declared <= UInt64(maxHeaderBytes) else {
      throw r.fail("header too large: declares \(declared) bytes (limit \(maxHeaderBytes)); not a safetensors file?")
    }
    let n = Int(declared)
    guard n <= r.remaining else {
      throw r.fail("truncated: header declares \(n) bytes, only \(r.remaining) follow")
    }
    guard n >= 2, bytes[8] == UInt8(ascii: "{") else {
      throw r.fail("header must be a JSON object starting with '{'")
    }
    let json = try JSONValue.parse(bytes[8 ..< 8 + n], path: path, context: "safetensors header")
    guard case let .object(members) = json else { throw r.fail("header is not a JSON object") }
    let dataStart = 8 + n
    let dataSize = bytes.count - dataStart
    var tensors: [String: SafeTensor] = [:]
    var metadata: [String: String] = [:]
    var ranges: [(Int, Int, String)] = []
    for (name, value) in members {
      if name == "__metadata__" {
        guard case let .object(kv) = value else { throw r.fail("__metadata__ must be an object of strings") }
        for (k, v) in kv {
          guard case let .string(s) = v else { throw r.fail("__metadata__['\(k)'] must be a string") }
          metadata[k] = s
        }
        continue
      }
      guard tensors[name] == nil else {
        throw r.fail("tensor '\(name)' appears twice in the header")
      }
      let info = try TensorInfo(name, value, r)
      guard let count = ShapeMath.count(info.shape), let size = ShapeMath.bytes(count, info.kind.width) else {
        throw r.fail("tensor '\(name)': shape \(info.shape) is too large")
      }
      guard info.begin >= 0, info.begin <= info.end, info.end <= dataSize else {
        throw r.fail("tensor '\(name)': data_offsets [\(info.begin), \(info.end)] are outside the \(dataSize)-byte data section (truncated file?)")
      }
      guard info.end - info.begin == size else {
        throw r.fail("tensor '\(name)': shape \(info.shape) of \(info.dtype) needs \(size) bytes, data_offsets span \(info.end - info.begin)")
      }
      ranges.append((info.begin, info.end, name))
      let values = ElementDecoding.decode(bytes, offset: dataStart + info.begin, count: count, kind: info.kind, bigEndian: false)
      if info.kind.isFloat { try requireFinite(values, path: path, what: "tensor '\(name)'") }
      tensors[name] = SafeTensor(shape: info.shape, values: values)
    }
    ranges.sort { ($0.0, $0.1) < ($1.0, $1.1) }
    for (a, b) in zip(ranges, ranges.dropFirst()) where b.0 < a.1 {
      throw r.fail("tensors '\(a.2)' and '\(b.2)' overlap (bytes \(a.0)..<\(a.1) and \(b.0)..<\(b.1))")
    }
    return SafeTensors(tensors: tensors, metadata: metadata)
  }

  /// One tensor's header entry.
  private struct TensorInfo {
    var dtype: String
    var kind: ElementKind
    var shape: [Int]
    var begin: Int
    var end: Int

    static let kinds: [String: ElementKind] = [
      "F32": .float32, "F64": .float64, "F16": .float16, "BF16": .bfloat16,
      "I64": .int64, "I32": .int32, "I16": .int16, "I8": .int8, "U8": .uint8, "BOOL": .bool,
    ]

    init(_ name: String, _ value: JSONValue, _ r: ByteReader) throws {
      guard case let .object(fields) = value else { throw r.fail("tensor '\(name)': entry is not an object") }
      func field(_ k: String) -> JSONValue? { fields.first { $0.0 == k }?.1 }
      guard case let .string(dtype)? = field("dtype") else { throw r.fail("tensor '\(name)': missing string 'dtype'") }
      guard let kind = Self.kinds[dtype] else {
        throw r.fail("tensor '\(name)': unsupported dtype \(dtype) (supported: \(Self.kinds.keys.sorted().joined(separator: ", ")))")
      }
      guard case let .array(dims)? = field("shape") else { throw r.fail("tensor '\(name)': missing array 'shape'") }
      var shape: [Int] = []
      for d in dims {
        guard case let .int(v) = d, v >= 0 else { throw r.fail("tensor '\(name)': shape entries must be non-negative integers") }
        shape.append(v)
      }
      guard case let .array(off)? = field("data_offsets"), off.count == 2,
            case let .int(b) = off[0], case let .int(e) = off[1] else {
        throw r.fail("tensor '\(name)': 'data_offsets' must be [begin, end] integers")
      }
      (self.dtype, self.kind, self.shape, self.begin, self.end) = (dtype, kind, shape, b, e)
    }
  }
}
