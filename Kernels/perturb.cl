// Perturbation kernels for zeroth-order estimation and projected attacks.
// Contraction is off: `base + sigma * u` rounds twice, exactly as the Swift reference.
#pragma OPENCL FP_CONTRACT OFF

// Row r = s*Q + q of `dirs` (samples*Q x dim): out[r] = base[s] + sigma*u[r], or with
// antithetic out[2r] = base[s] + sigma*u[r], out[2r+1] = base[s] - sigma*u[r].
// n = samples * Q * dim; one work-item per direction entry.
__kernel void perturb_rows(__global const float* base, __global const float* dirs, float sigma,
                           int antithetic, __global float* out, int n, int perSample, int dim) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int r = i / dim, d = i - r * dim, s = r / perSample;
  const float b = base[s * dim + d];
  const float step = sigma * dirs[i];
  if (antithetic) {
    out[(2 * r) * dim + d] = b + step;
    out[(2 * r + 1) * dim + d] = b - step;
  } else {
    out[i] = b + step;
  }
}

// For j = s*C + c: out[2j] = base[s] + h*e_{idx[j]}, out[2j+1] = base[s] - h*e_{idx[j]}.
// n = samples * C * dim.
__kernel void perturb_coordinates(__global const float* base, __global const int* idx, float h,
                                  __global float* out, int n, int perSample, int dim) {
  const int i = get_global_id(0);
  if (i >= n) return;
  const int j = i / dim, d = i - j * dim, s = j / perSample;
  const float b = base[s * dim + d];
  const int hit = idx[j] == d;
  out[(2 * j) * dim + d] = hit ? b + h : b;
  out[(2 * j + 1) * dim + d] = hit ? b - h : b;
}

// delta = (x + step*dir) - origin, projected onto the norm ball of radius eps
// (linf: clip each entry; l2: scale by eps/||delta|| when larger), out = clamp(origin + delta).
// One work-item per row; out may alias x (x[j] is read before out[j] is written).
__kernel void step_project(__global const float* x, __global const float* dir,
                           __global const float* origin, float step, float eps, int l2,
                           float lo, float hi, __global float* out, int rows, int cols) {
  const int r = get_global_id(0);
  if (r >= rows) return;
  const long o = (long)r * cols;
  float scale = 1.0f;
  if (l2) {
    float s = 0.0f;
    for (int j = 0; j < cols; ++j) {
      const float d = (x[o + j] + step * dir[o + j]) - origin[o + j];
      s = s + d * d;
    }
    const float norm = sqrt(s);
    if (norm > eps) scale = eps / norm;
  }
  for (int j = 0; j < cols; ++j) {
    float d = (x[o + j] + step * dir[o + j]) - origin[o + j];
    d = l2 ? d * scale : fmin(fmax(d, -eps), eps);
    out[o + j] = fmin(fmax(origin[o + j] + d, lo), hi);
  }
}
