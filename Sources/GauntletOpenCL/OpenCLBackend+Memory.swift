import COpenCL
import GauntletCore

extension OpenCLBackend {
  public func makeBuffer(count: Int) throws -> DeviceBuffer {
    try Validate.sizes("makeBuffer", ("count", count))
    let bytes = count * MemoryLayout<Float>.size
    guard count <= Int(Int32.max) else {
      throw GauntletError.allocationFailed(bytes: bytes, backend: name,
                                           detail: "OpenCL buffers hold at most 2^31-1 elements here")
    }
    do {
      return OpenCLBuffer(count: count, owner: ObjectIdentifier(self), memory: try CLBuffer(context: context, bytes: bytes))
    } catch let e as OpenCLError {
      throw GauntletError.allocationFailed(bytes: bytes, backend: name, detail: e.description)
    }
  }

  public func upload(_ host: UnsafeBufferPointer<Float>, to buffer: DeviceBuffer, offset: Int) throws {
    try Validate.sizes("upload", ("offset", offset))
    let mem = try memory(buffer, atLeast: try end("upload", offset, host.count), "upload")
    try Validate.finite(host, "upload")
    guard let base = host.baseAddress, !host.isEmpty else { return }
    try queue.write(mem, offset: offset * 4, from: base, bytes: host.count * 4)
  }

  public func download(_ buffer: DeviceBuffer, offset: Int, into host: UnsafeMutableBufferPointer<Float>) throws {
    try Validate.sizes("download", ("offset", offset))
    let mem = try memory(buffer, atLeast: try end("download", offset, host.count), "download")
    guard let base = host.baseAddress, !host.isEmpty else { return }
    try queue.read(mem, offset: offset * 4, into: base, bytes: host.count * 4)
  }

  /// Copies `count` elements; overlapping regions of one buffer copy as if through a temporary.
  public func copy(_ src: DeviceBuffer, srcOffset: Int, to dst: DeviceBuffer, dstOffset: Int, count: Int) throws {
    try Validate.sizes("copy", ("srcOffset", srcOffset), ("dstOffset", dstOffset), ("count", count))
    let s = try memory(src, atLeast: try end("copy", srcOffset, count), "copy", "source")
    let d = try memory(dst, atLeast: try end("copy", dstOffset, count), "copy", "destination")
    guard count > 0, !(s === d && srcOffset == dstOffset) else { return }
    if s === d && abs(srcOffset - dstOffset) < count {
      let tmp = try CLBuffer(context: context, bytes: count * 4)
      try queue.copy(s, offset: srcOffset * 4, to: tmp, offset: 0, bytes: count * 4)
      try queue.copy(tmp, offset: 0, to: d, offset: dstOffset * 4, bytes: count * 4)
    } else {
      try queue.copy(s, offset: srcOffset * 4, to: d, offset: dstOffset * 4, bytes: count * 4)
    }
  }

  public func fill(_ buffer: DeviceBuffer, value: Float, offset: Int, count: Int) throws {
    try Validate.sizes("fill", ("offset", offset), ("count", count))
    try Validate.finite(value, "value")
    let mem = try memory(buffer, atLeast: try end("fill", offset, count), "fill")
    try launch1D(.elementwise, "fill", [.buffer(mem), .int(Int32(offset)), .int(Int32(count)), .float(value)],
                 count: count)
  }

  public func gatherRows(_ src: DeviceBuffer, indices: [Int32], cols: Int, into dst: DeviceBuffer) throws {
    try Validate.sizes("gatherRows", ("cols", cols))
    let n = try elements("gatherRows", indices.count, cols)
    let s = try memory(src, atLeast: 0, "gatherRows", "source")
    let d = try memory(dst, atLeast: n, "gatherRows", "destination")
    guard n > 0 else { return }
    try Validate.indices(indices, below: src.count / cols, "gatherRows")
    let idx = try uploadIndices(indices)
    try launch1D(.elementwise, "gather_rows", [.buffer(s), .buffer(idx), .buffer(d), .int(Int32(n)), .int(Int32(cols))],
                 count: n)
  }

  /// A device copy of `indices` (the kernel that reads it is enqueued after the blocking write).
  func uploadIndices(_ indices: [Int32]) throws -> CLBuffer {
    let b = try CLBuffer(context: context, bytes: indices.count * 4)
    try indices.withUnsafeBytes { raw in
      guard let base = raw.baseAddress else { return }
      try queue.write(b, offset: 0, from: base, bytes: raw.count)
    }
    return b
  }
}
