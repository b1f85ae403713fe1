import CBLAS
import Dispatch
import GauntletCore

extension CPUBackend {
  /// Batched GEMM through `cblas_sgemm`. Small matrices (below OpenBLAS's own threading threshold
  /// of 64³ multiply-adds) with a batch are split across cores; large ones loop over the batch and
  /// let OpenBLAS thread each product.
  public func gemm(_ a: DeviceBuffer, _ b: DeviceBuffer, into c: DeviceBuffer, _ shape: GemmShape) throws {
    try shape.validateNoOverflow()
    try Validate.finite(shape.alpha, "alpha")
    try Validate.finite(shape.beta, "beta")
    try shape.validate(countA: a.count, countB: b.count, countC: c.count)
    let pa = try storage(a, shape.requiredA, "gemm", "A")
    let pb = try storage(b, shape.requiredB, "gemm", "B")
    let pc = try storage(c, shape.requiredC, "gemm", "C")
    let s = shape
    guard s.batch > 0, s.m > 0, s.n > 0 else { return }
    let limit = Int(Int32.max)
    guard s.m <= limit, s.n <= limit, s.k <= limit else {
      throw GauntletError.shapeMismatch(operation: "gemm", detail: "\(s) exceeds the 32-bit BLAS index range")
    }

    if s.k == 0 {
      // op(A)·op(B) is empty: C = β·C (C not read when β == 0). BLAS rejects lda = 0, so do it here.
      for i in 0..<s.batch {
        let cb = pc + s.offsetC + i * s.strideC
        if s.beta == 0 { cb.update(repeating: 0, count: s.m * s.n) } else {
          for j in 0..<(s.m * s.n) { cb[j] *= s.beta }
        }
      }
      return
    }

    let small = Double(s.m) * Double(s.n) * Double(s.k) < 262_144
    let disjointC = s.strideC >= s.m * s.n
    if threads > 1 && s.batch > 1 && small && disjointC {
      let chunks = Swift.min(threads, s.batch)
      let per = (s.batch + chunks - 1) / chunks
      DispatchQueue.concurrentPerform(iterations: chunks) { ch in
        for i in (ch * per)..<Swift.min(s.batch, (ch + 1) * per) { Self.sgemm(s, pa, pb, pc, i) }
      }
    } else {
      for i in 0..<s.batch { Self.sgemm(s, pa, pb, pc, i) }
    }
  }

  /// Matrix `i` of the batch. When `beta == 0` OpenBLAS overwrites C without reading it. A single
  /// row or column of C goes through `sgemv`, which skips GEMM's packing of the other operand
  /// (batch-1 inference reads each weight once).
  @inline(__always)
  static func sgemm(_ s: GemmShape, _ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>,
                    _ c: UnsafeMutablePointer<Float>, _ i: Int) {
    let pa = a + s.offsetA + i * s.strideA, pb = b + s.offsetB + i * s.strideB, pc = c + s.offsetC + i * s.strideC
    if s.m == 1 || s.n == 1 {
      // C is one contiguous vector; so is the vector operand (a 1×k or k×1 matrix, either layout).
      if s.beta == 0 { pc.update(repeating: 0, count: s.m * s.n) }   // never read C, not even 0·NaN
      if s.m == 1 {
        // cᵀ = op(B)ᵀ·a: B stored k×n (row-major, transposed use) or n×k.
        cblas_sgemv(CblasRowMajor, s.transB ? CblasNoTrans : CblasTrans, Int32(s.transB ? s.n : s.k),
                    Int32(s.transB ? s.k : s.n), s.alpha, pb, Int32(s.ldb), pa, 1, s.beta, pc, 1)
      } else {
        // c = op(A)·b: A stored m×k or k×m.
        cblas_sgemv(CblasRowMajor, s.transA ? CblasTrans : CblasNoTrans, Int32(s.transA ? s.k : s.m),
                    Int32(s.transA ? s.m : s.k), s.alpha, pa, Int32(s.lda), pb, 1, s.beta, pc, 1)
      }
      return
    }
    cblas_sgemm(CblasRowMajor, s.transA ? CblasTrans : CblasNoTrans, s.transB ? CblasTrans : CblasNoTrans,
                Int32(s.m), Int32(s.n), Int32(s.k), s.alpha,
                pa, Int32(s.lda), pb, Int32(s.ldb), s.beta, pc, Int32(s.ldc))
  }
}

extension GemmShape {
  /// `requiredA/B/C` multiply sizes; reject shapes whose extents would overflow `Int` before
  /// computing them.
  func validateNoOverflow() throws {
    guard batch >= 0, m >= 0, n >= 0, k >= 0, strideA >= 0, strideB >= 0, strideC >= 0,
          offsetA >= 0, offsetB >= 0, offsetC >= 0 else { return }  // `validate` reports negatives
    if overflows(m, k, strideA, offsetA) || overflows(k, n, strideB, offsetB) || overflows(m, n, strideC, offsetC) {
      throw GauntletError.shapeMismatch(operation: "gemm", detail: "\(self) overflows the address space")
    }
  }

  private func overflows(_ rows: Int, _ cols: Int, _ stride: Int, _ offset: Int) -> Bool {
    let (mat, o1) = rows.multipliedReportingOverflow(by: cols)
    let (span, o2) = Swift.max(batch - 1, 0).multipliedReportingOverflow(by: stride)
    let (t, o3) = span.addingReportingOverflow(mat)
    let (_, o4) = t.addingReportingOverflow(offset)
    return o1 || o2 || o3 || o4
  }
}
