#!/usr/bin/env python3
"""PyTorch-CPU side of `gauntlet-bench forward`: the same MLP weights, the same batch sizes.

Called by the Swift bench (it exports the model with `Sequential.exportTorch`), or by hand:
    python3 bench/peers/torch_forward.py --model mlp.safetensors --batches 1,64,4096
Prints one JSON object: {"torch": version, "threads": n, "rows": [{"batch": b, "seconds": median}, ...]}.
Measures what an oracle query does: host array -> tensor -> forward -> softmax -> host array.
"""
import argparse, json, struct, time
import numpy as np
import torch
import torch.nn as nn


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    out = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", f"{name}: only F32 is supported here"
        a, b = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[base + a:base + b], dtype="<f4").reshape(info["shape"]).copy())
    return out, meta


def build(tensors, meta):
    layers = []
    for entry in meta["gauntlet.layers"].split(","):
        i, kind = entry.split(":")
        if kind == "linear":
            w = tensors[f"{i}.weight"]
            lin = nn.Linear(w.shape[1], w.shape[0])
            lin.weight.data.copy_(w)
            lin.bias.data.copy_(tensors[f"{i}.bias"])
            layers.append(lin)
        elif kind == "relu":
            layers.append(nn.ReLU())
        else:
            raise SystemExit(f"torch_forward.py: layer kind {kind} not handled")
    return nn.Sequential(*layers).eval()


def median_seconds(fn, repeats, max_seconds=2.0):
    fn(); fn()
    times, start = [], time.perf_counter()
    for i in range(repeats):
        t0 = time.perf_counter(); fn(); times.append(time.perf_counter() - t0)
        if i >= 2 and time.perf_counter() - start > max_seconds:
            break
    times.sort()
    return times[len(times) // 2]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--batches", default="1,64,4096")
    args = p.parse_args()
    tensors, meta = read_safetensors(args.model)
    model = build(tensors, meta)
    features = next(t for k, t in tensors.items() if k.endswith("weight")).shape[1]
    rows = []
    with torch.inference_mode():
        for b in [int(x) for x in args.batches.split(",")]:
            x = np.random.default_rng(0).random((b, features), dtype=np.float32)
            def step():
                return torch.softmax(model(torch.from_numpy(x)), dim=1).numpy()
            rows.append({"batch": b, "seconds": median_seconds(step, 201 if b < 1000 else 21)})
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "rows": rows}))


if __name__ == "__main__":
    main()
