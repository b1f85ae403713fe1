import Foundation
import Testing
@testable import GauntletEvaluation

@Suite("PNG encoder")
struct PNGEncoderTests {
  @Test("checksums match known values")
  func checksums() {
    #expect(Checksum.crc32(Array("IEND".utf8)) == 0xAE42_6082)
    #expect(Checksum.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
  }

  /// Parses our PNG (stored deflate blocks only) back to pixels, checking every CRC and the Adler-32.
  static func decode(_ png: [UInt8]) throws -> (w: Int, h: Int, pixels: [UInt8]) {
    #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    func be(_ i: Int) -> Int { Int(png[i]) << 24 | Int(png[i + 1]) << 16 | Int(png[i + 2]) << 8 | Int(png[i + 3]) }
    var i = 8, w = 0, h = 0
    var z: [UInt8] = []
    while i < png.count {
      let n = be(i), type = String(decoding: png[(i + 4)..<(i + 8)], as: UTF8.self)
      let body = Array(png[(i + 8)..<(i + 8 + n)])
      #expect(UInt32(be(i + 8 + n)) == Checksum.crc32(Array(png[(i + 4)..<(i + 8 + n)])), "CRC of \(type)")
      if type == "IHDR" { w = Int(body[0]) << 24 | Int(body[1]) << 16 | Int(body[2]) << 8 | Int(body[3]); h = Int(body[7]) }
      if type == "IDAT" { z += body }
      i += 12 + n
    }
    var raw: [UInt8] = [], j = 2
    while true {
      let last = z[j] & 1, len = Int(z[j + 1]) | Int(z[j + 2]) << 8
      #expect(Int(z[j + 3]) | Int(z[j + 4]) << 8 == ~len & 0xFFFF)
      raw += z[(j + 5)..<(j + 5 + len)]
      j += 5 + len
      if last == 1 { break }
    }
    let adler = UInt32(z[j]) << 24 | UInt32(z[j + 1]) << 16 | UInt32(z[j + 2]) << 8 | UInt32(z[j + 3])
    #expect(adler == Checksum.adler32(raw))
    var pixels: [UInt8] = []
    for y in 0..<h {
      #expect(raw[y * (w + 1)] == 0)
      pixels += raw[(y * (w + 1) + 1)..<((y + 1) * (w + 1))]
    }
    return (w, h, pixels)
  }

  @Test("round trip, including a multi-block image")
  func roundTrip() throws {
    for (w, h) in [(1, 1), (3, 2), (300, 250)] {
      let px = (0..<(w * h)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
      let d = try Self.decode(PNGEncoder.greyscale(width: w, height: h, pixels: px))
      #expect(d.w == w && d.h == h && d.pixels == px)
    }
  }

  @Test("image grid: original, adversarial and perturbation panels")
  func grid() throws {
    let t = ImageTriples(width: 2, height: 2, originals: [[0, 1, 0, 1]], adversarials: [[0.5, 1, 0, 0.5]])
    let d = try Self.decode(try #require(ImageGrid.png(t, scale: 1, gap: 1)))
    #expect(d.w == 3 * 2 + 4 && d.h == 2 + 2)
    // Row 1, pixel 0 of each panel: original 0 → 0, adversarial 0.5 → 128, perturbation +0.5 (the max) → 255.
    #expect(d.pixels[1 * d.w + 1] == 0 && d.pixels[1 * d.w + 4] == 128 && d.pixels[1 * d.w + 7] == 255)
    #expect(ImageTriples.square(originals: [[1, 2, 3]], adversarials: [[1, 2, 3]], count: 1) == nil)
  }
}
