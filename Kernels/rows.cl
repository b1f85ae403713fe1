// Row reductions and row-wise transforms of a row-major rows x cols matrix.
// One work-item per row (rows are typically class scores: tens to a few thousand entries);
// sums run left to right. Contraction is off so results round as plain Swift loops do.
#pragma OPENCL FP_CONTRACT OFF

#define ROW_PROLOGUE                                  \
  const int r = get_global_id(0);                     \
  if (r >= rows) return;                              \
  const __global float* x = xs + (long)r * cols;

float row_max(const __global float* x, int cols) {
  float m = x[0];
  for (int j = 1; j < cols; ++j) m = fmax(m, x[j]);
  return m;
}

// y = exp(x - max) / sum(exp(x - max)).
__kernel void row_softmax(__global const float* xs, __global float* ys, int rows, int cols) {
  ROW_PROLOGUE
  __global float* y = ys + (long)r * cols;
  const float m = row_max(x, cols);
  float s = 0.0f;
  for (int j = 0; j < cols; ++j) {
    const float e = exp(x[j] - m);
    y[j] = e;
    s = s + e;
  }
  for (int j = 0; j < cols; ++j) y[j] = y[j] / s;
}

// y = x - max - log(sum(exp(x - max))).
__kernel void row_log_softmax(__global const float* xs, __global float* ys, int rows, int cols) {
  ROW_PROLOGUE
  __global float* y = ys + (long)r * cols;
  const float m = row_max(x, cols);
  float s = 0.0f;
  for (int j = 0; j < cols; ++j) s = s + exp(x[j] - m);
  const float ls = log(s);
  for (int j = 0; j < cols; ++j) y[j] = (x[j] - m) - ls;
}

__kernel void row_sum(__global const float* xs, __global float* ys, int rows, int cols) {
  ROW_PROLOGUE
  float s = 0.0f;
  for (int j = 0; j < cols; ++j) s = s + x[j];
  ys[r] = s;
}

__kernel void row_max_value(__global const float* xs, __global float* ys, int rows, int cols) {
  ROW_PROLOGUE
  ys[r] = row_max(x, cols);
}

// Index of the first largest entry.
__kernel void row_argmax(__global const float* xs, __global float* ys, int rows, int cols) {
  ROW_PROLOGUE
  int best = 0;
  for (int j = 1; j < cols; ++j) if (x[j] > x[best]) best = j;
  ys[r] = (float)best;
}

__kernel void row_l2_norm(__global const float* xs, __global float* ys, int rows, int cols) {
  ROW_PROLOGUE
  float s = 0.0f;
  for (int j = 0; j < cols; ++j) s = s + x[j] * x[j];
  ys[r] = sqrt(s);
}

__kernel void row_linf_norm(__global const float* xs, __global float* ys, int rows, int cols) {
  ROW_PROLOGUE
  float m = 0.0f;
  for (int j = 0; j < cols; ++j) m = fmax(m, fabs(x[j]));
  ys[r] = m;
}

// 1 where x[j] ranks among the k largest of its row (ties go to the lower index): its rank is
// the number of entries larger than it plus the equal entries before it.
__kernel void row_top_k_mask(__global const float* xs, __global float* ys, int rows, int cols, int k) {
  ROW_PROLOGUE
  __global float* y = ys + (long)r * cols;
  for (int j = 0; j < cols; ++j) {
    const float v = x[j];
    int rank = 0;
    for (int q = 0; q < cols && rank < k; ++q) rank += (x[q] > v || (x[q] == v && q < j)) ? 1 : 0;
    y[j] = rank < k ? 1.0f : 0.0f;
  }
}

// round(x * scale) / scale, half away from zero; scale = 10^decimals (exact in float32).
__kernel void row_round(__global const float* xs, __global float* ys, int rows, int cols, float scale) {
  ROW_PROLOGUE
  __global float* y = ys + (long)r * cols;
  for (int j = 0; j < cols; ++j) y[j] = round(x[j] * scale) / scale;
}
