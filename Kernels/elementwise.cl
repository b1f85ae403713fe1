// Element-wise kernels: unary ops and their derivatives, binary ops, broadcasts, axpy, fill.
// One work-item per element; the host rounds the global size up to a fixed local size, so every
// kernel guards `i < n`. Contraction is off so `a + b * c` rounds twice, as in plain Swift.
//
// Accuracy: `exp`, `log`, `tanh`, `sqrt` are the device's built-ins (PoCL: within 1-2 ulp of
// glibc for exp/tanh; sqrt and division are correctly rounded when the host passes
// -cl-fp32-correctly-rounded-divide-sqrt). sigmoid = 1 / (1 + exp(-x)).
#pragma OPENCL FP_CONTRACT OFF

#define ELEMENTWISE_UNARY(NAME, EXPR)                                                         \
  __kernel void unary_##NAME(__global const float* xs, __global float* ys, int n, float p0, \
                             float p1) {                                                     \
    const int i = get_global_id(0);                                                          \
    if (i >= n) return;                                                                      \
    const float x = xs[i];                                                                   \
    ys[i] = (EXPR);                                                                          \
  }

float sigmoid_f(float x) { return 1.0f / (1.0f + exp(-x)); }
float sign_f(float x) { return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : 0.0f); }

ELEMENTWISE_UNARY(relu, x > 0.0f ? x : 0.0f)
ELEMENTWISE_UNARY(leaky_relu, x > 0.0f ? x : p0 * x)
ELEMENTWISE_UNARY(sigmoid, sigmoid_f(x))
ELEMENTWISE_UNARY(tanh, tanh(x))
ELEMENTWISE_UNARY(exp, exp(x))
ELEMENTWISE_UNARY(log, log(x))
ELEMENTWISE_UNARY(sign, sign_f(x))
ELEMENTWISE_UNARY(abs, fabs(x))
ELEMENTWISE_UNARY(square, x * x)
ELEMENTWISE_UNARY(sqrt, sqrt(x))
ELEMENTWISE_UNARY(affine, p0 * x + p1)
ELEMENTWISE_UNARY(clamp, fmin(fmax(x, p0), p1))

// gradInput[i] = gradOutput[i] * f'(x[i]).
#define ELEMENTWISE_BACKWARD(NAME, EXPR)                                                       \
  __kernel void backward_##NAME(__global const float* xs, __global const float* gs,          \
                                __global float* out, int n, float p0, float p1) {           \
    const int i = get_global_id(0);                                                          \
    if (i >= n) return;                                                                      \
    const float x = xs[i], g = gs[i];                                                        \
    out[i] = (EXPR);                                                                         \
  }

ELEMENTWISE_BACKWARD(relu, x > 0.0f ? g : 0.0f)
ELEMENTWISE_BACKWARD(leaky_relu, x > 0.0f ? g : g * p0)
ELEMENTWISE_BACKWARD(sigmoid, g * (sigmoid_f(x) * (1.0f - sigmoid_f(x))))
ELEMENTWISE_BACKWARD(tanh, g * (1.0f - tanh(x) * tanh(x)))
ELEMENTWISE_BACKWARD(exp, g * exp(x))
ELEMENTWISE_BACKWARD(log, g / x)
ELEMENTWISE_BACKWARD(sign, 0.0f)
ELEMENTWISE_BACKWARD(abs, g * sign_f(x))
ELEMENTWISE_BACKWARD(square, g * (2.0f * x))
ELEMENTWISE_BACKWARD(sqrt, g * (0.5f / sqrt(x)))
ELEMENTWISE_BACKWARD(affine, g * p0)
ELEMENTWISE_BACKWARD(clamp, (x >= p0 && x <= p1) ? g : 0.0f)

#define BINARY_ADD(a, b) ((a) + (b))
#define BINARY_SUB(a, b) ((a) - (b))
#define BINARY_MUL(a, b) ((a) * (b))
#define BINARY_DIV(a, b) ((a) / (b))
#define BINARY_MIN(a, b) fmin((a), (b))
#define BINARY_MAX(a, b) fmax((a), (b))

// c[i] = a[i] op b[i]; c may alias a or b (each element is read before it is written).
// broadcast_row: out[r, j] = m[r, j] op v[j]; broadcast_col: out[r, j] = m[r, j] op v[r].
#define ELEMENTWISE_BINARY(NAME, OP)                                                           \
  __kernel void binary_##NAME(__global const float* a, __global const float* b,              \
                              __global float* c, int n) {                                    \
    const int i = get_global_id(0);                                                          \
    if (i >= n) return;                                                                      \
    c[i] = OP(a[i], b[i]);                                                                   \
  }                                                                                          \
  __kernel void broadcast_row_##NAME(__global const float* m, __global const float* v,       \
                                     __global float* out, int n, int cols) {                 \
    const int i = get_global_id(0);                                                          \
    if (i >= n) return;                                                                      \
    out[i] = OP(m[i], v[i % cols]);                                                          \
  }                                                                                          \
  __kernel void broadcast_col_##NAME(__global const float* m, __global const float* v,       \
                                     __global float* out, int n, int cols) {                 \
    const int i = get_global_id(0);                                                          \
    if (i >= n) return;                                                                      \
    out[i] = OP(m[i], v[i / cols]);                                                          \
  }

ELEMENTWISE_BINARY(add, BINARY_ADD)
ELEMENTWISE_BINARY(sub, BINARY_SUB)
ELEMENTWISE_BINARY(mul, BINARY_MUL)
ELEMENTWISE_BINARY(div, BINARY_DIV)
ELEMENTWISE_BINARY(min, BINARY_MIN)
ELEMENTWISE_BINARY(max, BINARY_MAX)

// y[i] += alpha * x[i] (rounded twice, no fma).
__kernel void axpy(float alpha, __global const float* x, __global float* y, int n) {
  const int i = get_global_id(0);
  if (i >= n) return;
  y[i] = y[i] + alpha * x[i];
}

// buffer[offset + i] = value.
__kernel void fill(__global float* buffer, int offset, int n, float value) {
  const int i = get_global_id(0);
  if (i >= n) return;
  buffer[offset + i] = value;
}

// dst[r, :] = src[indices[r], :]; n = rows * cols.
__kernel void gather_rows(__global const float* src, __global const int* indices,
                          __global float* dst, int n, int cols) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int r = i / cols;
  dst[i] = src[indices[r] * cols + (i - r * cols)];
}
