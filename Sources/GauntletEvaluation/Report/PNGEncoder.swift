/// A minimal PNG writer for 8-bit greyscale images (PNG spec, W3C 2003): zlib stream of stored
/// (uncompressed) deflate blocks, filter 0 on every row. Small images only; no dependencies.
///
/// ```swift
/// let png = PNGEncoder.greyscale(width: 2, height: 1, pixels: [0, 255])
/// ```
public enum PNGEncoder {
  public static func greyscale(width: Int, height: Int, pixels: [UInt8]) -> [UInt8] {
    precondition(width > 0 && height > 0 && pixels.count == width * height, "PNGEncoder: pixel count must be width × height")
    var raw: [UInt8] = []
    raw.reserveCapacity((width + 1) * height)
    for y in 0..<height {
      raw.append(0)
      raw += pixels[(y * width)..<((y + 1) * width)]
    }
    var z: [UInt8] = [0x78, 0x01]
    var off = 0
    repeat {
      let n = min(65535, raw.count - off)
      let last: UInt8 = off + n == raw.count ? 1 : 0
      z += [last, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
      z += raw[off..<(off + n)]
      off += n
    } while off < raw.count
    z += be32(Checksum.adler32(raw))
    var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    out += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, 0, 0, 0, 0])
    out += chunk("IDAT", z)
    out += chunk("IEND", [])
    return out
  }

  static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

  static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let t = Array(type.utf8)
    return be32(UInt32(data.count)) + t + data + be32(Checksum.crc32(t + data))
  }
}
