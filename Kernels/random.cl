// Counter-based random numbers: a line-by-line port of GauntletCore's Philox.swift and
// RNGMath.swift (Philox4x32-10, Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
// SC 2011). Every distribution must be bit-identical to `Philox.fill`, so:
// * no contraction into fused multiply-add (pragma below), no fast-math build options;
// * the host builds this program with -cl-fp32-correctly-rounded-divide-sqrt;
// * constants are the same exact float32 hex literals, operations in the same order.
//
// Work-item g computes block `counter + g` (four words) and writes elements 4g..4g+3 below count.
#pragma OPENCL FP_CONTRACT OFF

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

#define RNG_LN2_HI 0x1.62e4p-1f
#define RNG_LN2_LO 0x1.7f7d1cp-20f
#define RNG_SQRT2 0x1.6a09e6p+0f
#define RNG_HALF_PI 0x1.921fb6p+0f

// Philox.block(counter: (block, stream), key: seed).
uint4 philox_block(ulong block, ulong stream, ulong seed) {
  uint c0 = (uint)block, c1 = (uint)(block >> 32), c2 = (uint)stream, c3 = (uint)(stream >> 32);
  uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    const uint hi0 = mul_hi(PHILOX_M0, c0), lo0 = PHILOX_M0 * c0;
    const uint hi1 = mul_hi(PHILOX_M1, c2), lo1 = PHILOX_M1 * c2;
    const uint n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    k0 = k0 + PHILOX_W0;
    k1 = k1 + PHILOX_W1;
  }
  return (uint4)(c0, c1, c2, c3);
}

// RNGMath.unit
float rng_unit(uint w) { return (float)(w >> 8) * 0x1p-24f; }

// RNGMath.rademacher
float rng_rademacher(uint w) { return (w & 0x80000000u) == 0u ? 1.0f : -1.0f; }

// RNGMath.log, for x in (0, 1].
float rng_log(float x) {
  const uint bits = as_uint(x);
  int e = (int)((bits >> 23) & 0xFFu) - 127;
  float m = as_float((bits & 0x007FFFFFu) | 0x3F800000u);
  if (m > RNG_SQRT2) { m = m * 0.5f; e = e + 1; }
  const float s = (m - 1.0f) / (m + 1.0f);
  const float s2 = s * s;
  const float p = s2 * (0x1.555556p-2f + s2 * (0x1.99999ap-3f + s2 * (0x1.24924ap-3f + s2 * 0x1.c71c72p-4f)));
  const float lnm = (s + s) + (s + s) * p;
  const float fe = (float)e;
  return fe * RNG_LN2_HI + (fe * RNG_LN2_LO + lnm);
}

// RNGMath.sincos2pi: (sin 2πu, cos 2πu) for u in [0, 1).
float2 rng_sincos2pi(float u) {
  const float t = u * 4.0f;
  int q = (int)t;
  float f = t - (float)q;
  if (f > 0.5f) { f = f - 1.0f; q = q + 1; }
  const float a = f * RNG_HALF_PI;
  const float a2 = a * a;
  const float s = a + a * a2 * (-0x1.555556p-3f + a2 * (0x1.111112p-7f + a2 * (-0x1.a01a02p-13f + a2 * 0x1.71de3ap-19f)));
  const float c = 1.0f + a2 * (-0.5f + a2 * (0x1.555556p-5f + a2 * (-0x1.6c16c2p-10f + a2 * 0x1.a01a02p-16f)));
  switch (q & 3) {
    case 0: return (float2)(s, c);
    case 1: return (float2)(c, -s);
    case 2: return (float2)(-s, -c);
    default: return (float2)(-c, s);
  }
}

// RNGMath.boxMuller: (r·cos 2πu₂, r·sin 2πu₂).
float2 rng_box_muller(uint w0, uint w1) {
  const float u1 = (float)((w0 >> 8) + 1u) * 0x1p-24f;
  const float u2 = (float)(w1 >> 8) * 0x1p-24f;
  const float r = sqrt(-2.0f * rng_log(u1));
  const float2 sc = rng_sincos2pi(u2);
  return (float2)(r * sc.y, r * sc.x);
}

void rng_store(__global float* out, long count, long g, float4 v) {
  const long i = 4 * g;
  if (i + 4 <= count) { vstore4(v, 0, out + i); return; }
  if (i < count) out[i] = v.x;
  if (i + 1 < count) out[i + 1] = v.y;
  if (i + 2 < count) out[i + 2] = v.z;
}

__kernel void random_uniform(__global float* out, long count, ulong counter, ulong seed, ulong stream,
                             float lo, float hi) {
  const long g = get_global_id(0);
  if (4 * g >= count) return;
  const uint4 w = philox_block(counter + (ulong)g, stream, seed);
  const float span = hi - lo;
  const float4 v = (float4)(lo + span * rng_unit(w.x), lo + span * rng_unit(w.y),
                            lo + span * rng_unit(w.z), lo + span * rng_unit(w.w));
  rng_store(out, count, g, v);
}

__kernel void random_rademacher(__global float* out, long count, ulong counter, ulong seed, ulong stream) {
  const long g = get_global_id(0);
  if (4 * g >= count) return;
  const uint4 w = philox_block(counter + (ulong)g, stream, seed);
  rng_store(out, count, g, (float4)(rng_rademacher(w.x), rng_rademacher(w.y),
                                    rng_rademacher(w.z), rng_rademacher(w.w)));
}

__kernel void random_normal(__global float* out, long count, ulong counter, ulong seed, ulong stream,
                            float mean, float stddev) {
  const long g = get_global_id(0);
  if (4 * g >= count) return;
  const uint4 w = philox_block(counter + (ulong)g, stream, seed);
  const float2 ab = rng_box_muller(w.x, w.y);
  const float2 cd = rng_box_muller(w.z, w.w);
  rng_store(out, count, g, (float4)(mean + stddev * ab.x, mean + stddev * ab.y,
                                    mean + stddev * cd.x, mean + stddev * cd.y));
}
