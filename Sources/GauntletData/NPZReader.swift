import GauntletCore

/// Reads NumPy `.npz` archives written by `np.savez`: a zip of `.npy` entries, STORED
/// (uncompressed). Zip64 records (numpy sets `force_zip64`) are understood; CRC-32s are checked.
/// Entries written by `np.savez_compressed` (deflate) are rejected with the remedy.
///
/// ```swift
/// let arrays = try NPZReader.read(path: "data.npz")   // np.savez("data.npz", x=x, y=y)
/// let x = arrays["x"]!                                  // keys drop the ".npy" suffix
/// ```
public enum NPZReader {
  /// Reads and parses the archive at `path`.
  public static func read(path: String) throws -> [String: (shape: [Int], values: [Float])] {
    try parse(FileBytes.read(path), path: path)
  }

  /// Parses `.npz` `bytes`; `path` names the source in errors.
  public static func parse(_ bytes: [UInt8], path: String) throws -> [String: (shape: [Int], values: [Float])] {
    try parseTyped(bytes, path: path).mapValues { ($0.shape, $0.values) }
  }

  /// Parses and also reports each array's stored element type.
  static func parseTyped(_ bytes: [UInt8], path: String) throws -> [String: (shape: [Int], values: [Float], kind: ElementKind)] {
    var out: [String: (shape: [Int], values: [Float], kind: ElementKind)] = [:]
    for e in try ZipDirectory.entries(bytes, path: path) {
      let key = e.name.hasSuffix(".npy") ? String(e.name.dropLast(4)) : e.name
      guard out[key] == nil else {
        throw GauntletError.malformedFile(path: path, detail: "archive holds '\(key)' twice")
      }
      let data = try ZipDirectory.storedData(bytes, e, path: path)
      do {
        out[key] = try NPYReader.parseTyped(data, path: "\(path)[\(e.name)]")
      } catch let GauntletError.malformedFile(_, detail) {
        throw GauntletError.malformedFile(path: path, detail: "entry '\(e.name)': \(detail)")
      }
    }
    return out
  }
}

/// The central directory of a zip archive (PKWARE APPNOTE 6.3), enough for `np.savez` files.
enum ZipDirectory {
  struct Entry { var name: String; var method: UInt16; var flags: UInt16; var crc: UInt32
                 var compressedSize: Int; var size: Int; var localOffset: Int }

  static func entries(_ bytes: [UInt8], path: String) throws -> [Entry] {
    let fail = { (d: String) in GauntletError.malformedFile(path: path, detail: d) }
    if bytes.count >= 6, bytes[0] == 0x93, bytes[1] == UInt8(ascii: "N") {
      throw fail("this is a single .npy array, not an .npz archive; read it with NPYReader")
    }
    guard bytes.count >= 22 else { throw fail("truncated: \(bytes.count) bytes is too short for a zip archive") }
    // The end-of-central-directory record sits in the last 22 + 65535 bytes.
    var eocd = -1
    var i = bytes.count - 22
    while i >= max(0, bytes.count - 22 - 65535) {
      if bytes[i] == 0x50, bytes[i + 1] == 0x4B, bytes[i + 2] == 0x05, bytes[i + 3] == 0x06 { eocd = i; break }
      i -= 1
    }
    guard eocd >= 0 else { throw fail("wrong magic: no zip end-of-central-directory record (not an .npz written by np.savez?)") }
    var r = ByteReader(bytes, path: path, offset: eocd + 10)
    var count = Int(try r.uintLE(2, "entry count"))
    var cdSize = Int(try r.uintLE(4, "central directory size"))
    var cdOffset = Int(try r.uintLE(4, "central directory offset"))
    if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
      guard eocd >= 20 else { throw fail("zip64 locator missing") }
      var l = ByteReader(bytes, path: path, offset: eocd - 20)
      guard try l.uintLE(4, "zip64 locator") == 0x0706_4B50 else { throw fail("zip64 locator missing") }
      try l.skip(4, "zip64 locator")
      let z = try l.uintLE(8, "zip64 record offset")
      guard z <= UInt64(bytes.count) else { throw fail("zip64 record offset \(z) is past the end") }
      var z64 = ByteReader(bytes, path: path, offset: Int(z))
      guard try z64.uintLE(4, "zip64 record") == 0x0606_4B50 else { throw fail("bad zip64 end record signature") }
      try z64.skip(28, "zip64 record")
      let c = try z64.uintLE(8, "zip64 entry count"), s = try z64.uintLE(8, "zip64 directory size")
      let o = try z64.uintLE(8, "zip64 directory offset")
      guard c <= UInt64(bytes.count), s <= UInt64(bytes.count), o <= UInt64(bytes.count) else {
        throw fail("zip64 sizes exceed the file size")
      }
      (count, cdSize, cdOffset) = (Int(c), Int(s), Int(o))
    }
    guard cdOffset <= bytes.count, cdSize <= bytes.count - cdOffset else {
      throw fail("truncated: central directory (\(cdSize) bytes at \(cdOffset)) is past the end of the \(bytes.count)-byte file")
    }
    var cd = ByteReader(bytes, path: path, offset: cdOffset)
    var out: [Entry] = []
    for n in 0 ..< count {
      guard try cd.uintLE(4, "central header \(n)") == 0x0201_4B50 else { throw fail("bad central directory header \(n)") }
      try cd.skip(4, "central header")
      let flags = UInt16(try cd.uintLE(2, "flags")), method = UInt16(try cd.uintLE(2, "method"))
      try cd.skip(4, "time")
      let crc = UInt32(try cd.uintLE(4, "crc"))
      var csize = try cd.uintLE(4, "compressed size"), usize = try cd.uintLE(4, "size")
      let nameLen = Int(try cd.uintLE(2, "name length")), extraLen = Int(try cd.uintLE(2, "extra length"))
      let commentLen = Int(try cd.uintLE(2, "comment length"))
      try cd.skip(8, "attributes")
      var local = try cd.uintLE(4, "local header offset")
      let name = String(decoding: try cd.take(nameLen, "entry name"), as: UTF8.self)
      var ex = ByteReader(Array(try cd.take(extraLen, "extra field")), path: path)
      while ex.remaining >= 4 {
        let id = try ex.uintLE(2, "extra id"), len = Int(try ex.uintLE(2, "extra length"))
        var f = ByteReader(Array(try ex.take(len, "extra field")), path: path)
        if id == 1 {  // zip64: the 0xFFFFFFFF fields, in order
          if usize == 0xFFFF_FFFF { usize = try f.uintLE(8, "zip64 size") }
          if csize == 0xFFFF_FFFF { csize = try f.uintLE(8, "zip64 compressed size") }
          if local == 0xFFFF_FFFF { local = try f.uintLE(8, "zip64 offset") }
        }
      }
      try cd.skip(commentLen, "entry comment")
      guard csize <= UInt64(bytes.count), usize <= UInt64(bytes.count), local <= UInt64(bytes.count) else {
        throw fail("entry '\(name)' declares sizes larger than the \(bytes.count)-byte file")
      }
      out.append(Entry(name: name, method: method, flags: flags, crc: crc,
                       compressedSize: Int(csize), size: Int(usize), localOffset: Int(local)))
    }
    return out
  }

  /// The bytes of a STORED entry, CRC-checked.
  static func storedData(_ bytes: [UInt8], _ e: Entry, path: String) throws -> [UInt8] {
    let fail = { (d: String) in GauntletError.malformedFile(path: path, detail: "entry '\(e.name)': \(d)") }
    guard e.flags & 1 == 0 else { throw fail("is encrypted") }
    guard e.method == 0 else {
      let how = e.method == 8 ? "deflate-compressed (np.savez_compressed)" : "compressed with zip method \(e.method)"
      throw fail("is \(how); only stored entries are supported: save with np.savez instead")
    }
    guard e.compressedSize == e.size else { throw fail("stored entry sizes differ (\(e.compressedSize) vs \(e.size))") }
    var r = ByteReader(bytes, path: path, offset: e.localOffset)
    guard try r.uintLE(4, "local header") == 0x0403_4B50 else { throw fail("bad local header signature") }
    try r.skip(22, "local header")
    let nameLen = Int(try r.uintLE(2, "name length")), extraLen = Int(try r.uintLE(2, "extra length"))
    try r.skip(nameLen + extraLen, "local name and extra")
    let data = Array(try r.take(e.size, "entry data"))
    let crc = CRC32.checksum(data)
    guard crc == e.crc else { throw fail("CRC-32 mismatch (stored \(e.crc), computed \(crc)): the archive is corrupt") }
    return data
  }
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) as used by zip.
enum CRC32 {
  static let table: [UInt32] = (0 ..< 256).map { n -> UInt32 in
    var c = UInt32(n)
    for _ in 0 ..< 8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  static func checksum(_ data: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    table.withUnsafeBufferPointer { t in
      for b in data { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    }
    return c ^ 0xFFFF_FFFF
  }
}
