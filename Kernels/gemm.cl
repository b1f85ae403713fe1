// Batched row-major SGEMM: C_b = alpha * op(A_b) * op(B_b) + beta * C_b.
//
// Strategies, chosen per device type and size by the host (see KernelTuning.swift):
//
// * CPU devices: pack op(A) into panels of GEMM_MR rows and op(B) into panels of GEMM_NR columns
//   (k-major, zero-padded), then `gemm_packed` gives each work-item one GEMM_MR x GEMM_NR block of
//   C held in registers as GEMM_MR vectors of GEMM_NR floats, updated with `fma`
//   (register blocking after Goto & van de Geijn, "Anatomy of high-performance matrix
//   multiplication", ACM TOMS 2008; BLIS micro-kernel shape).
// * Small problems on CPU devices: `gemm_direct`, one launch, one work-item per entry of C.
// * GPU devices: `gemm_tiled` stages GEMM_TS x GEMM_TS tiles of A and B in local memory; each
//   work-item computes GEMM_WPT outputs of one column strip (after Nugteren's OpenCL SGEMM tutorial,
//   kernel 3, which grew into CLBlast's xgemm).
//
// Tunables, prepended as #defines at build time: GEMM_MR, GEMM_NR (4, 8 or 16), GEMM_TS,
// GEMM_WPT (GEMM_TS must be a multiple of GEMM_WPT).
//
// Indices are `int`: the host rejects buffers of 2^31 or more elements.

#define GEMM_CAT_(a, b) a##b
#define GEMM_CAT(a, b) GEMM_CAT_(a, b)
#define floatNR GEMM_CAT(float, GEMM_NR)
#define vloadNR GEMM_CAT(vload, GEMM_NR)
#define vstoreNR GEMM_CAT(vstore, GEMM_NR)

// Element (r, c) of op(X) for a dense row-major X with leading dimension ld.
#define OP_AT(X, trans, ld, r, c) ((trans) ? (X)[(c) * (ld) + (r)] : (X)[(r) * (ld) + (c)])

// Ap[b][p][kk][i] = op(A_b)[p*MR + i][kk], zero for rows >= m.
// Global size: (k, panels, batch).
__kernel void gemm_pack_a(__global const float* A, int offA, int strideA, int transA,
                          int m, int k, int panels, __global float* Ap) {
  const int kk = get_global_id(0), p = get_global_id(1), b = get_global_id(2);
  if (kk >= k || p >= panels) return;
  const __global float* a = A + offA + b * strideA;
  const int lda = transA ? m : k;
  __global float* dst = Ap + ((b * panels + p) * k + kk) * GEMM_MR;
  for (int i = 0; i < GEMM_MR; ++i) {
    const int r = p * GEMM_MR + i;
    dst[i] = r < m ? OP_AT(a, transA, lda, r, kk) : 0.0f;
  }
}

// Bp[b][p][kk][j] = op(B_b)[kk][p*NR + j], zero for columns >= n.
// Global size: (k, panels, batch).
__kernel void gemm_pack_b(__global const float* B, int offB, int strideB, int transB,
                          int k, int n, int panels, __global float* Bp) {
  const int kk = get_global_id(0), p = get_global_id(1), b = get_global_id(2);
  if (kk >= k || p >= panels) return;
  const __global float* src = B + offB + b * strideB;
  const int ldb = transB ? k : n;
  __global float* dst = Bp + ((b * panels + p) * k + kk) * GEMM_NR;
  const int c0 = p * GEMM_NR;
  if (!transB && c0 + GEMM_NR <= n) {
    vstoreNR(vloadNR(0, src + kk * ldb + c0), 0, dst);
    return;
  }
  for (int j = 0; j < GEMM_NR; ++j) {
    const int c = c0 + j;
    dst[j] = c < n ? OP_AT(src, transB, ldb, kk, c) : 0.0f;
  }
}

// One GEMM_MR x GEMM_NR block of C per work-item from packed panels.
// Global size: (panelsA rounded up to the group size, panelsB, batch). Dimension 0 walks A panels,
// so consecutive work-items of a group (run in sequence by a CPU driver) reuse one B panel from
// cache while streaming the smaller A panels: measured ~1.7x faster at 2048^3 than the converse.
__kernel void gemm_packed(__global const float* Ap, __global const float* Bp, __global float* C,
                          int offC, int strideC, int m, int n, int k, int panelsA, int panelsB,
                          float alpha, float beta) {
  const int pi = get_global_id(0), pj = get_global_id(1), b = get_global_id(2);
  if (pj >= panelsB || pi >= panelsA) return;
  const __global float* a = Ap + ((b * panelsA + pi) * k) * GEMM_MR;
  const __global floatNR* bp = (const __global floatNR*)(Bp + ((b * panelsB + pj) * k) * GEMM_NR);
  floatNR acc[GEMM_MR];
#pragma unroll
  for (int i = 0; i < GEMM_MR; ++i) acc[i] = (floatNR)(0.0f);
  for (int kk = 0; kk < k; ++kk) {
    const floatNR bv = bp[kk];
#pragma unroll
    for (int i = 0; i < GEMM_MR; ++i) acc[i] = fma((floatNR)(a[i]), bv, acc[i]);
    a += GEMM_MR;
  }
  __global float* c = C + offC + b * strideC;
  const int r0 = pi * GEMM_MR, c0 = pj * GEMM_NR;
  if (r0 + GEMM_MR <= m && c0 + GEMM_NR <= n) {
#pragma unroll
    for (int i = 0; i < GEMM_MR; ++i) {
      __global float* row = c + (r0 + i) * n + c0;
      floatNR v = alpha * acc[i];
      if (beta != 0.0f) v += beta * vloadNR(0, row);
      vstoreNR(v, 0, row);
    }
    return;
  }
#pragma unroll
  for (int i = 0; i < GEMM_MR; ++i) {
    const int r = r0 + i;
    if (r >= m) break;
    float vals[GEMM_NR];
    vstoreNR(acc[i], 0, vals);
    for (int j = 0; j < GEMM_NR && c0 + j < n; ++j) {
      __global float* dst = c + r * n + c0 + j;
      const float v = alpha * vals[j];
      *dst = beta != 0.0f ? v + beta * *dst : v;
    }
  }
}

// Small problems (launch-bound): one work-item per entry of C, reading A and B in place, so a
// GEMM is one launch instead of three. Global size: (n rounded up, m, batch).
__kernel void gemm_direct(__global const float* A, __global const float* B, __global float* C,
                          int offA, int offB, int offC, int strideA, int strideB, int strideC,
                          int transA, int transB, int m, int n, int k, float alpha, float beta) {
  const int j = get_global_id(0), i = get_global_id(1), b = get_global_id(2);
  if (j >= n) return;
  const __global float* a = A + offA + b * strideA;
  const __global float* bb = B + offB + b * strideB;
  const int lda = transA ? m : k, ldb = transB ? k : n;
  float acc = 0.0f;
  for (int p = 0; p < k; ++p) acc = fma(OP_AT(a, transA, lda, i, p), OP_AT(bb, transB, ldb, p, j), acc);
  __global float* c = C + offC + b * strideC + i * n + j;
  const float v = alpha * acc;
  *c = beta != 0.0f ? v + beta * *c : v;
}

// Local-memory tiled GEMM for GPUs; reads A and B in place (no packing).
// Local size: (GEMM_TS, GEMM_TS / GEMM_WPT); global: (n, m / GEMM_WPT) rounded up, batch.
// Work-item (tx, ty) computes rows ty + w*(TS/WPT), w < WPT, of column tx of the tile.
#define GEMM_RTS (GEMM_TS / GEMM_WPT)
__kernel void gemm_tiled(__global const float* A, __global const float* B, __global float* C,
                         int offA, int offB, int offC, int strideA, int strideB, int strideC,
                         int transA, int transB, int m, int n, int k, float alpha, float beta) {
  __local float tileA[GEMM_TS][GEMM_TS];
  __local float tileB[GEMM_TS][GEMM_TS + 1];
  const int tx = get_local_id(0), ty = get_local_id(1), b = get_global_id(2);
  const int col = get_group_id(0) * GEMM_TS + tx;
  const int row0 = get_group_id(1) * GEMM_TS;
  const __global float* a = A + offA + b * strideA;
  const __global float* bb = B + offB + b * strideB;
  const int lda = transA ? m : k, ldb = transB ? k : n;
  float acc[GEMM_WPT];
  for (int w = 0; w < GEMM_WPT; ++w) acc[w] = 0.0f;
  for (int t = 0; t < k; t += GEMM_TS) {
    for (int w = 0; w < GEMM_WPT; ++w) {
      const int lr = ty + w * GEMM_RTS;
      const int ar = row0 + lr, ac = t + tx;        // tileA[lr][tx] = op(A)[ar][ac]
      tileA[lr][tx] = (ar < m && ac < k) ? OP_AT(a, transA, lda, ar, ac) : 0.0f;
      const int br = t + lr, bc = get_group_id(0) * GEMM_TS + tx;  // tileB[lr][tx] = op(B)[br][bc]
      tileB[lr][tx] = (br < k && bc < n) ? OP_AT(bb, transB, ldb, br, bc) : 0.0f;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int q = 0; q < GEMM_TS; ++q) {
      const float bv = tileB[q][tx];
      for (int w = 0; w < GEMM_WPT; ++w) acc[w] = fma(tileA[ty + w * GEMM_RTS][q], bv, acc[w]);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (col >= n) return;
  __global float* c = C + offC + b * strideC;
  for (int w = 0; w < GEMM_WPT; ++w) {
    const int r = row0 + ty + w * GEMM_RTS;
    if (r < m) {
      const float v = alpha * acc[w];
      c[r * n + col] = beta != 0.0f ? v + beta * c[r * n + col] : v;
    }
  }
}
