#!/usr/bin/env python3
"""Generate the small reader fixtures in Tests/GauntletDataTests/Fixtures/.

Usage:  pip install numpy safetensors torch && python3 scripts/make-data-fixtures.py

Every array follows a formula the Swift tests recompute (see FixtureFormulas in the tests), so no
test compares against hard-coded numbers:
  pattern(n)[i] = (i % 7) * 0.25 - 0.5        exact in f16, bf16, f32, f64
  ints(n)[i]    = i - 5                        (signed types)
  bytes(n)[i]   = (i * 7) % 256                (u8 images)
  classes(n)[i] = i % 3                        (labels)
The PyTorch MLP fixtures come from scripts/export_pytorch.py.
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "GauntletDataTests", "Fixtures")


def pattern(n):
    return (np.arange(n) % 7) * 0.25 - 0.5


def path(name):
    return os.path.join(OUT, name)


def write_idx(name, arr, code):
    """IDX: 0, 0, type code, rank, big-endian u32 dims, big-endian data."""
    be = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}[code]
    with open(path(name), "wb") as f:
        f.write(bytes([0, 0, code, arr.ndim]))
        for d in arr.shape:
            f.write(int(d).to_bytes(4, "big"))
        f.write(np.ascontiguousarray(arr).astype(be).tobytes())


def main():
    os.makedirs(OUT, exist_ok=True)
    p12 = pattern(12).reshape(3, 4)

    # .npy, one per element type (all shape (3, 4) unless named otherwise).
    np.save(path("f4_3x4.npy"), p12.astype("<f4"))
    np.save(path("f8_3x4.npy"), p12.astype("<f8"))
    np.save(path("f2_3x4.npy"), p12.astype("<f2"))
    np.save(path("f4be_3x4.npy"), p12.astype(">f4"))
    ints = (np.arange(12) - 5).reshape(3, 4)
    for t in ["<i8", "<i4", "|i1"]:
        np.save(path(f"{t[1:]}_3x4.npy"), ints.astype(t))
    np.save(path("u1_3x4.npy"), ((np.arange(12) * 7) % 256).reshape(3, 4).astype("|u1"))
    np.save(path("scalar_f4.npy"), np.float32(3.5))
    np.save(path("empty_0x3.npy"), np.zeros((0, 3), dtype="<f4"))
    with open(path("f4_v2.npy"), "wb") as f:
        np.lib.format.write_array(f, p12.astype("<f4"), version=(2, 0))
    np.save(path("f4_fortran.npy"), np.asfortranarray(p12.astype("<f4")))       # rejected
    bad = p12.astype("<f4").copy(); bad[1, 2] = np.nan
    np.save(path("f4_nan.npy"), bad)                                              # rejected

    # IDX: an MNIST-like pair and a float32 array.
    images = ((np.arange(6 * 4 * 3) * 7) % 256).reshape(6, 4, 3).astype(np.uint8)
    labels = (np.arange(6) % 3).astype(np.uint8)
    write_idx("images.idx3-ubyte", images, 0x08)
    write_idx("labels.idx1-ubyte", labels, 0x08)
    write_idx("f4_3x4.idx", p12, 0x0D)

    # .npz: stored (readable) and deflated (rejected with a remedy).
    np.savez(path("arrays.npz"), x=pattern(72).reshape(6, 4, 3).astype(np.float32),
             y=(np.arange(6) % 3).astype(np.int64))
    np.savez_compressed(path("compressed.npz"), x=p12.astype(np.float32))

    # .npy dataset pair for Datasets.load("npy:…").
    np.save(path("ds_x.npy"), images)
    np.save(path("ds_y.npy"), labels.astype(np.int64))

    # CSV: header + label last, and label first without header.
    feats = pattern(18).reshape(6, 3)
    with open(path("small.csv"), "w") as f:
        f.write("f0,f1,f2,label\n")
        for r in range(6):
            f.write(",".join(repr(float(v)) for v in feats[r]) + f",{r % 3}\n")
    with open(path("label_first.csv"), "w", newline="") as f:
        for r in range(6):
            f.write(f"{r % 3}," + ",".join(repr(float(v)) for v in feats[r]) + "\r\n")

    # safetensors written by the reference implementation, one tensor per dtype.
    try:
        import torch
        from safetensors.torch import save_file
        t = torch.tensor(p12, dtype=torch.float64)
        save_file({
            "f32": t.float(), "f64": t.double(), "f16": t.half(), "bf16": t.bfloat16(),
            "i64": torch.tensor(ints, dtype=torch.int64), "i32": torch.tensor(ints, dtype=torch.int32),
            "vector": torch.tensor(pattern(5), dtype=torch.float32),
        }, path("reference.safetensors"), metadata={"source": "make-data-fixtures.py"})
    except ImportError:
        print("torch/safetensors missing: reference.safetensors not regenerated")
    print("fixtures written to", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
