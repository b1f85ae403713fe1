import GauntletCore

/// One tensor of a safetensors file, converted to `Float`, row-major.
public struct SafeTensor: Sendable, Equatable {
  public var shape: [Int]
  public var values: [Float]
  public init(shape: [Int], values: [Float]) { self.shape = shape; self.values = values }
}

/// The safetensors format (Hugging Face, https://github.com/huggingface/safetensors): an 8-byte
/// little-endian header length `N`, `N` bytes of JSON mapping each tensor name to its `dtype`,
/// `shape` and `data_offsets` (relative to the data section), an optional string-to-string
/// `__metadata__`, then the raw little-endian tensor bytes.
///
/// Reading converts F32, F64, F16, BF16, I64, I32, I16, I8, U8 and BOOL to `Float` and checks the
/// header (size ≤ 100 MB and within the file, offsets in bounds, sizes matching shapes, no two
/// tensors overlapping, finite float values). Writing produces F32 tensors in sorted-key order
/// with the header padded to 8 bytes, written atomically. PyTorch users: `scripts/export_pytorch.py`.
///
/// ```swift
/// let file = try SafeTensors.read(path: "mlp.safetensors")
/// let w = file.tensors["0.weight"]!          // nn.Linear keeps weight as [out, in]
/// let arch = file.metadata["gauntlet.arch"]  // "mlp:64-32-10"
/// try SafeTensors(tensors: ["w": SafeTensor(shape: [2], values: [1, 2])]).write(path: "w.safetensors")
/// ```
public struct SafeTensors: Sendable {
  public var tensors: [String: SafeTensor]
  public var metadata: [String: String]

  /// Largest header accepted (the reference implementation's limit).
  public static let maxHeaderBytes = 100_000_000

  public init(tensors: [String: SafeTensor], metadata: [String: String] = [:]) {
    self.tensors = tensors; self.metadata = metadata
  }

  /// Reads and parses the file at `path`.
  public static func read(path: String) throws -> SafeTensors {
    try parse(FileBytes.read(path), path: path)
  }

  /// Writes `serialized()` to `path` atomically (a temporary file in the same directory, then
  /// rename), so a crash never leaves a half-written model behind.
  public func write(path: String) throws {
    try FileBytes.writeAtomically(serialized(), to: path)
  }

  /// The file's bytes: F32 tensors, keys sorted, `__metadata__` first, header padded with spaces
  /// to a multiple of 8 bytes. Throws if a tensor's values do not fill its shape or are not finite.
  public func serialized() throws -> [UInt8] {
    let sorted = tensors.sorted { $0.key < $1.key }
    var entries: [String] = []
    if !metadata.isEmpty {
      let m = metadata.keys.sorted().map { "\(JSONValue.quote($0)):\(JSONValue.quote(metadata[$0] ?? ""))" }
      entries.append("\"__metadata__\":{\(m.joined(separator: ","))}")
    }
    var offset = 0
    for (name, t) in sorted {
      guard name != "__metadata__" else {
        throw GauntletError.invalidArgument(name: "tensors", detail: "'__metadata__' is reserved and cannot name a tensor")
      }
      guard let n = ShapeMath.count(t.shape), n == t.values.count else {
        throw GauntletError.shapeMismatch(operation: "SafeTensors.serialized",
                                          detail: "tensor '\(name)' has \(t.values.count) values for shape \(t.shape)")
      }
      if let bad = t.values.firstIndex(where: { !$0.isFinite }) {
        throw GauntletError.nonFinite(context: "SafeTensors.serialized tensor '\(name)'", index: bad)
      }
      let shape = t.shape.map(String.init).joined(separator: ",")
      entries.append("\(JSONValue.quote(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + 4 * n)]}")
      offset += 4 * n
    }
    var header = Array("{\(entries.joined(separator: ","))}".utf8)
    header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
    var out: [UInt8] = []
    out.reserveCapacity(8 + header.count + offset)
    let h = UInt64(header.count)
    for i in 0 ..< 8 { out.append(UInt8(truncatingIfNeeded: h >> (8 * UInt64(i)))) }
    out += header
    for (_, t) in sorted {
      for v in t.values {
        let b = v.bitPattern
        out += [UInt8(b & 0xFF), UInt8(b >> 8 & 0xFF), UInt8(b >> 16 & 0xFF), UInt8(b >> 24)]
      }
    }
    return out
  }
}
