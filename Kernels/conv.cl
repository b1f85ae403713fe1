// im2col / col2im and pooling over NCHW data (no dilation). Every kernel gathers (one work-item
// per output element), so no atomics are needed and sums run in a fixed order: window rows,
// then window columns, ascending, the order a sequential scatter would add them.
#pragma OPENCL FP_CONTRACT OFF

// The window geometry, passed as kernel arguments in this order.
#define CONV_ARGS int C, int H, int W, int kH, int kW, int sH, int sW, int pH, int pW, int oH, int oW

// columns[b][(c*kH + i)*kW + j][oh*oW + ow] = input[b][c][oh*sH - pH + i][ow*sW - pW + j] (0 outside).
// n = batch * C*kH*kW * oH*oW.
__kernel void im2col(__global const float* input, __global float* columns, int n, CONV_ARGS) {
  const int t = get_global_id(0);
  if (t >= n) return;
  const int plane = oH * oW, patch = C * kH * kW;
  const int col = t % plane, rest = t / plane;
  const int row = rest % patch, b = rest / patch;
  const int j = row % kW, i = (row / kW) % kH, c = row / (kW * kH);
  const int h = (col / oW) * sH - pH + i, w = (col % oW) * sW - pW + j;
  columns[t] = (h >= 0 && h < H && w >= 0 && w < W) ? input[((b * C + c) * H + h) * W + w] : 0.0f;
}

// First and one-past-last output index whose window (stride s, size k, pad p) covers position x.
int window_first(int x, int k, int s, int p) {
  const int lo = x + p - k + 1;
  return lo <= 0 ? 0 : (lo + s - 1) / s;
}
int window_end(int x, int s, int p, int outSize) { return min((x + p) / s + 1, outSize); }

// input[b][c][h][w] = sum of every column entry that im2col would read from it. n = batch*C*H*W.
__kernel void col2im(__global const float* columns, __global float* input, int n, CONV_ARGS) {
  const int t = get_global_id(0);
  if (t >= n) return;
  const int w = t % W, h = (t / W) % H, c = (t / (W * H)) % C, b = t / (W * H * C);
  const int plane = oH * oW, patch = C * kH * kW;
  const __global float* cols = columns + (long)b * patch * plane;
  float s = 0.0f;
  for (int i = 0; i < kH; ++i) {
    const int y = h + pH - i;
    if (y < 0 || y % sH != 0 || y / sH >= oH) continue;
    for (int j = 0; j < kW; ++j) {
      const int x = w + pW - j;
      if (x < 0 || x % sW != 0 || x / sW >= oW) continue;
      s = s + cols[((c * kH + i) * kW + j) * plane + (y / sH) * oW + x / sW];
    }
  }
  input[t] = s;
}

// Max over each window's in-image entries (first maximum wins); argmax = h*W + w in the plane,
// or -1 for a window lying entirely in the padding (output 0; the host rejects such geometry).
__kernel void max_pool(__global const float* input, __global float* output, __global float* argmax,
                       int n, CONV_ARGS) {
  const int t = get_global_id(0);
  if (t >= n) return;
  const int ow = t % oW, oh = (t / oW) % oH, bc = t / (oW * oH);
  const __global float* in = input + (long)bc * H * W;
  float best = 0.0f;
  int arg = -1;
  for (int i = 0; i < kH; ++i) {
    const int h = oh * sH - pH + i;
    if (h < 0 || h >= H) continue;
    for (int j = 0; j < kW; ++j) {
      const int w = ow * sW - pW + j;
      if (w < 0 || w >= W) continue;
      const float v = in[h * W + w];
      if (arg < 0 || v > best) { best = v; arg = h * W + w; }
    }
  }
  output[t] = best;
  argmax[t] = (float)arg;
}

// gradInput[h][w] = sum of gradOutput over the windows whose argmax is (h, w). n = batch*C*H*W.
__kernel void max_pool_backward(__global const float* gradOut, __global const float* argmax,
                                __global float* gradIn, int n, CONV_ARGS) {
  const int t = get_global_id(0);
  if (t >= n) return;
  const int w = t % W, h = (t / W) % H, bc = t / (W * H);
  const long base = (long)bc * oH * oW;
  const float self = (float)(h * W + w);
  float s = 0.0f;
  const int ohEnd = window_end(h, sH, pH, oH), owEnd = window_end(w, sW, pW, oW);
  for (int oh = window_first(h, kH, sH, pH); oh < ohEnd; ++oh)
    for (int ow = window_first(w, kW, sW, pW); ow < owEnd; ++ow)
      if (argmax[base + oh * oW + ow] == self) s = s + gradOut[base + oh * oW + ow];
  gradIn[t] = s;
}

// Mean over each window, padding counted as zero (divisor kH*kW). n = batch*C*oH*oW.
__kernel void avg_pool(__global const float* input, __global float* output, int n, CONV_ARGS) {
  const int t = get_global_id(0);
  if (t >= n) return;
  const int ow = t % oW, oh = (t / oW) % oH, bc = t / (oW * oH);
  const __global float* in = input + (long)bc * H * W;
  float s = 0.0f;
  for (int i = 0; i < kH; ++i) {
    const int h = oh * sH - pH + i;
    if (h < 0 || h >= H) continue;
    for (int j = 0; j < kW; ++j) {
      const int w = ow * sW - pW + j;
      if (w >= 0 && w < W) s = s + in[h * W + w];
    }
  }
  output[t] = s / (float)(kH * kW);
}

// gradInput[h][w] = sum over the windows covering (h, w) of gradOutput / (kH*kW). n = batch*C*H*W.
__kernel void avg_pool_backward(__global const float* gradOut, __global float* gradIn, int n, CONV_ARGS) {
  const int t = get_global_id(0);
  if (t >= n) return;
  const int w = t % W, h = (t / W) % H, bc = t / (W * H);
  const long base = (long)bc * oH * oW;
  float s = 0.0f;
  const int ohEnd = window_end(h, sH, pH, oH), owEnd = window_end(w, sW, pW, oW);
  for (int oh = window_first(h, kH, sH, pH); oh < ohEnd; ++oh)
    for (int ow = window_first(w, kW, sW, pW); ow < owEnd; ++ow)
      s = s + gradOut[base + oh * oW + ow];
  gradIn[t] = s / (float)(kH * kW);
}
