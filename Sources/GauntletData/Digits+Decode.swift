import GauntletCore

/// Decoding of the embedded UCI digits (see `scripts/make-digits.py` for the encoding).
enum DigitsDecoder {
  /// Raw pixels (0…16, 64 per image, image-major) and labels (0…9).
  static func decode() throws -> (pixels: [UInt8], labels: [UInt8]) {
    let payload = try base64Decode(DigitsData.base64)
    let n = DigitsData.count, per = DigitsData.side * DigitsData.side
    let fail = { (d: String) in GauntletError.malformedFile(path: "<embedded digits>", detail: d) }
    guard payload.count == DigitsData.payloadBytes, DigitsData.pixelBytes == (n * per * 5 + 7) / 8,
          payload.count == DigitsData.pixelBytes + (n + 1) / 2 else {
      throw fail("payload holds \(payload.count) bytes, expected \(DigitsData.payloadBytes); regenerate with scripts/make-digits.py")
    }
    var pixels = [UInt8](repeating: 0, count: n * per)
    var acc: UInt32 = 0, bits: UInt32 = 0, src = 0
    for i in 0 ..< pixels.count {
      while bits < 5 { acc |= UInt32(payload[src]) << bits; src += 1; bits += 8 }
      pixels[i] = UInt8(acc & 0x1F)
      acc >>= 5; bits -= 5
    }
    var labels = [UInt8](repeating: 0, count: n)
    for i in 0 ..< n {
      let b = payload[DigitsData.pixelBytes + i / 2]
      labels[i] = i % 2 == 0 ? b & 0x0F : b >> 4
    }
    return (pixels, labels)
  }

  /// FNV-1a 64 (Fowler–Noll–Vo), the integrity checksum the generator records.
  static func fnv1a64<S: Sequence>(_ bytes: S, seed: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 where S.Element == UInt8 {
    var h = seed
    for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    return h
  }

  /// RFC 4648 base64, skipping whitespace and newlines.
  static func base64Decode(_ text: String) throws -> [UInt8] {
    var table = [Int8](repeating: -1, count: 256)
    for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { table[Int(c)] = Int8(i) }
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count * 3 / 4)
    var acc: UInt32 = 0, bits = 0
    for c in text.utf8 {
      if c == 0x0A || c == 0x0D || c == 0x20 || c == UInt8(ascii: "=") { continue }
      let v = table[Int(c)]
      guard v >= 0 else {
        throw GauntletError.malformedFile(path: "<embedded digits>", detail: "invalid base64 character \(c)")
      }
      acc = acc << 6 | UInt32(v)
      bits += 6
      if bits >= 8 { bits -= 8; out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits))) }
    }
    return out
  }
}
