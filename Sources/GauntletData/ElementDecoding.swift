import GauntletCore

/// Element types the readers convert to `Float`, and the one decoding loop they share.
enum ElementKind: Sendable, Equatable {
  case float16, bfloat16, float32, float64
  case int8, int16, int32, int64
  case uint8, uint16, uint32, uint64
  case bool

  var width: Int {
    switch self {
    case .int8, .uint8, .bool: return 1
    case .float16, .bfloat16, .int16, .uint16: return 2
    case .float32, .int32, .uint32: return 4
    case .float64, .int64, .uint64: return 8
    }
  }

  var isFloat: Bool { self == .float16 || self == .bfloat16 || self == .float32 || self == .float64 }
}

enum ElementDecoding {
  /// IEEE 754 binary16 bits to `Float` (exact: every half is a float).
  @inline(__always)
  static func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h >> 15) << 31
    let exp = UInt32((h >> 10) & 0x1F)
    let man = UInt32(h & 0x3FF)
    if exp == 0 {
      // Zero or subnormal: man · 2⁻²⁴.
      let v = Float(man) * Float(sign: .plus, exponent: -24, significand: 1)
      return sign != 0 ? -v : v
    }
    if exp == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | man << 13) }
    return Float(bitPattern: sign | (exp + 112) << 23 | man << 13)
  }

  /// Decodes `count` elements of `kind` starting at `offset` (bounds already checked by the
  /// caller). Values are converted to `Float`; 64-bit integers and doubles round to nearest.
  static func decode(_ bytes: [UInt8], offset: Int, count: Int, kind: ElementKind, bigEndian: Bool) -> [Float] {
    let w = kind.width
    var out = [Float](repeating: 0, count: count)
    bytes.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        for i in 0 ..< count {
          let base = offset + i * w
          var bits: UInt64 = 0
          if bigEndian {
            for j in 0 ..< w { bits = bits << 8 | UInt64(src[base + j]) }
          } else {
            for j in 0 ..< w { bits |= UInt64(src[base + j]) << (8 * UInt64(j)) }
          }
          dst[i] = value(bits, kind)
        }
      }
    }
    return out
  }

  @inline(__always)
  static func value(_ bits: UInt64, _ kind: ElementKind) -> Float {
    switch kind {
    case .float16: return halfToFloat(UInt16(truncatingIfNeeded: bits))
    case .bfloat16: return Float(bitPattern: UInt32(truncatingIfNeeded: bits) << 16)
    case .float32: return Float(bitPattern: UInt32(truncatingIfNeeded: bits))
    case .float64: return Float(Double(bitPattern: bits))
    case .int8: return Float(Int8(truncatingIfNeeded: bits))
    case .int16: return Float(Int16(truncatingIfNeeded: bits))
    case .int32: return Float(Int32(truncatingIfNeeded: bits))
    case .int64: return Float(Int64(bitPattern: bits))
    case .uint8: return Float(UInt8(truncatingIfNeeded: bits))
    case .uint16: return Float(UInt16(truncatingIfNeeded: bits))
    case .uint32: return Float(UInt32(truncatingIfNeeded: bits))
    case .uint64: return Float(bits)
    case .bool: return bits == 0 ? 0 : 1
    }
  }
}
