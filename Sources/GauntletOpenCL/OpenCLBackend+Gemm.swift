import GauntletCore

extension OpenCLBackend {
  /// Scratch the packed GEMM may use per launch (floats); larger batches run in chunks.
  static let packingBudget = 1 << 25

  /// Batched GEMM (see `GemmShape`). CPU profile: pack op(A) and op(B) into panels, then the
  /// register-blocked `gemm_packed` (problems up to `tuning.gemmDirectFlops`: `gemm_direct`, one
  /// launch); GPU profile: the local-memory tiled `gemm_tiled`.
  public func gemm(_ a: DeviceBuffer, _ b: DeviceBuffer, into c: DeviceBuffer, _ shape: GemmShape) throws {
    let am = try memory(a, atLeast: 0, "gemm", "A")
    let bm = try memory(b, atLeast: 0, "gemm", "B")
    let cm = try memory(c, atLeast: 0, "gemm", "C")
    try shape.validate(countA: a.count, countB: b.count, countC: c.count)
    guard shape.batch > 0, shape.m > 0, shape.n > 0 else { return }
    switch tuning.profile {
    case .cpu where shape.flops <= tuning.gemmDirectFlops: try gemmInPlace("gemm_direct", am, bm, cm, shape)
    case .cpu: try gemmPacked(am, bm, cm, shape)
    case .gpu: try gemmInPlace("gemm_tiled", am, bm, cm, shape)
    }
  }

  /// Stride as a kernel argument: 0 when there is a single matrix (the stride is then unused and
  /// may be anything), else it fits in 32 bits because the buffers do.
  private func strides(_ s: GemmShape) -> (Int32, Int32, Int32) {
    s.batch == 1 ? (0, 0, 0) : (Int32(clamping: s.strideA), Int32(clamping: s.strideB), Int32(clamping: s.strideC))
  }

  private func gemmPacked(_ a: CLBuffer, _ b: CLBuffer, _ c: CLBuffer, _ s: GemmShape) throws {
    let mr = tuning.gemmMR, nr = tuning.gemmNR, group = tuning.gemmGroup, local = tuning.localSize
    let panelsA = (s.m + mr - 1) / mr, panelsB = (s.n + nr - 1) / nr
    let perA = try elements("gemm", panelsA, mr, s.k), perB = try elements("gemm", panelsB, nr, s.k)
    let chunk = Swift.max(1, Swift.min(s.batch, Self.packingBudget / Swift.max(1, perA + perB)))
    let (sa, sb, sc) = strides(s)
    try lock.withLock {
      let ap = try scratch(&packA, floats: chunk * perA)
      let bp = try scratch(&packB, floats: chunk * perB)
      var b0 = 0
      while b0 < s.batch {
        let nb = Swift.min(chunk, s.batch - b0)
        let kRange = (s.k + local - 1) / local * local
        try launch(.gemm, "gemm_pack_a",
                   [.buffer(a), .int(Int32(clamping: s.offsetA + b0 * s.strideA)), .int(sa), .int(s.transA ? 1 : 0),
                    .int(Int32(s.m)), .int(Int32(s.k)), .int(Int32(panelsA)), .buffer(ap)],
                   global: [kRange, panelsA, nb], local: [local, 1, 1])
        try launch(.gemm, "gemm_pack_b",
                   [.buffer(b), .int(Int32(clamping: s.offsetB + b0 * s.strideB)), .int(sb), .int(s.transB ? 1 : 0),
                    .int(Int32(s.k)), .int(Int32(s.n)), .int(Int32(panelsB)), .buffer(bp)],
                   global: [kRange, panelsB, nb], local: [local, 1, 1])
        try launch(.gemm, "gemm_packed",
                   [.buffer(ap), .buffer(bp), .buffer(c), .int(Int32(clamping: s.offsetC + b0 * s.strideC)), .int(sc),
                    .int(Int32(s.m)), .int(Int32(s.n)), .int(Int32(s.k)), .int(Int32(panelsA)), .int(Int32(panelsB)),
                    .float(s.alpha), .float(s.beta)],
                   global: [(panelsA + group - 1) / group * group, panelsB, nb], local: [group, 1, 1])
        b0 += nb
      }
    }
  }

  /// `gemm_direct` or `gemm_tiled`: one launch reading A and B in place.
  private func gemmInPlace(_ kernel: String, _ a: CLBuffer, _ b: CLBuffer, _ c: CLBuffer, _ s: GemmShape) throws {
    let (sa, sb, sc) = strides(s)
    let args: [KernelArg] = [
      .buffer(a), .buffer(b), .buffer(c), .int(Int32(clamping: s.offsetA)), .int(Int32(clamping: s.offsetB)),
      .int(Int32(clamping: s.offsetC)), .int(sa), .int(sb), .int(sc), .int(s.transA ? 1 : 0), .int(s.transB ? 1 : 0),
      .int(Int32(s.m)), .int(Int32(s.n)), .int(Int32(s.k)), .float(s.alpha), .float(s.beta)]
    if kernel == "gemm_tiled" {
      let ts = tuning.gemmTS, rows = ts / tuning.gemmWPT
      try launch(.gemm, kernel, args, global: [(s.n + ts - 1) / ts * ts, (s.m + ts - 1) / ts * rows, s.batch],
                 local: [ts, rows, 1])
    } else {
      let l = tuning.localSize
      try launch(.gemm, kernel, args, global: [(s.n + l - 1) / l * l, s.m, s.batch], local: [l, 1, 1])
    }
  }

  /// `buffer`, replaced by a larger one when it holds fewer than `floats` (at least 1). Call under `lock`.
  private func scratch(_ buffer: inout CLBuffer?, floats: Int) throws -> CLBuffer {
    if let b = buffer, b.bytes >= floats * 4 { return b }
    let b = try CLBuffer(context: context, bytes: floats * 4)
    buffer = b
    return b
  }
}
