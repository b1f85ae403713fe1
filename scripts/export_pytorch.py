#!/usr/bin/env python3
"""Export a PyTorch nn.Sequential MLP to a safetensors file that Gauntlet loads.

For PyTorch users:

    import torch.nn as nn
    from export_pytorch import export_sequential
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    ...train...
    export_sequential(model, "mlp.safetensors", input_shape=(1, 8, 8))

Supported layers: nn.Linear, nn.ReLU, nn.Sigmoid, nn.Tanh, nn.Flatten, nn.Identity and
nn.Dropout (the last three carry no weights and are dropped at inference). Anything else raises.

File layout (standard safetensors, written here with struct + json only; the `safetensors`
package is not needed):
  * tensors keep PyTorch's state_dict names: "<index>.weight" [out, in] and "<index>.bias" [out],
    F32, sorted keys, header padded with spaces to 8 bytes;
  * "__metadata__" (all strings):
      gauntlet.format         "1"
      gauntlet.arch           "mlp:64-32-10"  (input, hidden..., output widths of the Linear chain)
      gauntlet.activation     "relu" (the hidden activation; "none" if there is none)
      gauntlet.layers         "0:linear,1:relu,2:linear"  (Sequential index:kind, in order)
      gauntlet.weight_layout  "out,in"  (nn.Linear: y = x @ weight.T + bias)
      gauntlet.input_shape    "1,8,8"   (per sample; defaults to the first Linear's in_features)
      gauntlet.source         "pytorch <version>"

Run as a script to regenerate Gauntlet's test fixtures (needs scikit-learn for the digits):
    python3 scripts/export_pytorch.py --fixtures Tests/GauntletDataTests/Fixtures
which trains a seeded 64-32-10 ReLU MLP briefly on the 1797 digits (pixels / 16) and writes
torch_mlp.safetensors, torch_inputs.npy (the first 16 digits, [16, 64] f4) and torch_logits.npy
(the model's float32 logits for them, [16, 10] f4).
"""
import argparse
import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn

_ACTIVATIONS = {nn.ReLU: "relu", nn.Sigmoid: "sigmoid", nn.Tanh: "tanh"}
_PASSIVE = {nn.Flatten: "flatten", nn.Identity: "identity", nn.Dropout: "dropout"}


def describe(model: nn.Sequential, input_shape=None):
    """The Gauntlet metadata and the F32 tensors of `model`."""
    if not isinstance(model, nn.Sequential):
        raise TypeError("export_sequential needs an nn.Sequential")
    layers, widths, acts, tensors = [], [], set(), {}
    for index, module in enumerate(model):
        if isinstance(module, nn.Linear):
            if widths and widths[-1] != module.in_features:
                raise ValueError(f"layer {index}: in_features {module.in_features} != previous width {widths[-1]}")
            if not widths:
                widths.append(module.in_features)
            widths.append(module.out_features)
            layers.append(f"{index}:linear")
            tensors[f"{index}.weight"] = module.weight.detach().cpu().float().numpy()  # [out, in]
            bias = module.bias if module.bias is not None else torch.zeros(module.out_features)
            tensors[f"{index}.bias"] = bias.detach().cpu().float().numpy()
        elif type(module) in _ACTIVATIONS:
            acts.add(_ACTIVATIONS[type(module)])
            layers.append(f"{index}:{_ACTIVATIONS[type(module)]}")
        elif type(module) in _PASSIVE:
            layers.append(f"{index}:{_PASSIVE[type(module)]}")
        else:
            raise ValueError(f"layer {index}: {type(module).__name__} is not supported (Linear, ReLU, Sigmoid, Tanh, Flatten, Identity, Dropout)")
    if not widths:
        raise ValueError("the model has no nn.Linear layer")
    if len(acts) > 1:
        raise ValueError(f"mixed hidden activations {sorted(acts)}; use one kind")
    shape = input_shape if input_shape is not None else (widths[0],)
    if int(np.prod(shape)) != widths[0]:
        raise ValueError(f"input_shape {shape} has {int(np.prod(shape))} elements, the first Linear takes {widths[0]}")
    metadata = {
        "gauntlet.format": "1",
        "gauntlet.arch": "mlp:" + "-".join(str(w) for w in widths),
        "gauntlet.activation": acts.pop() if acts else "none",
        "gauntlet.layers": ",".join(layers),
        "gauntlet.weight_layout": "out,in",
        "gauntlet.input_shape": ",".join(str(d) for d in shape),
        "gauntlet.source": f"pytorch {torch.__version__}",
    }
    return metadata, tensors


def write_safetensors(path, tensors, metadata):
    """Minimal safetensors writer: F32 little-endian, sorted keys, 8-byte aligned header."""
    header, offset, blobs = {"__metadata__": dict(metadata)}, 0, []
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name], dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
        blobs.append(a.tobytes())
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def export_sequential(model, path, input_shape=None, extra_metadata=None):
    """Write `model` (an nn.Sequential MLP) to `path` in Gauntlet's safetensors layout."""
    metadata, tensors = describe(model, input_shape)
    metadata.update(extra_metadata or {})
    write_safetensors(path, tensors, metadata)
    return metadata


def make_fixtures(out_dir):
    from sklearn.datasets import load_digits
    digits = load_digits()
    x = torch.tensor(digits.data / 16.0, dtype=torch.float32)
    y = torch.tensor(digits.target, dtype=torch.int64)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(200):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    with torch.no_grad():
        accuracy = (model(x).argmax(1) == y).float().mean().item()
        inputs = x[:16]
        logits = model(inputs)
    os.makedirs(out_dir, exist_ok=True)
    meta = export_sequential(model, os.path.join(out_dir, "torch_mlp.safetensors"), input_shape=(1, 8, 8),
                             extra_metadata={"gauntlet.train_accuracy": f"{accuracy:.4f}",
                                             "gauntlet.seed": "0"})
    np.save(os.path.join(out_dir, "torch_inputs.npy"), inputs.numpy().astype("<f4"))
    np.save(os.path.join(out_dir, "torch_logits.npy"), logits.numpy().astype("<f4"))
    try:  # cross-check against the reference reader when it is installed
        from safetensors.numpy import load_file
        back = load_file(os.path.join(out_dir, "torch_mlp.safetensors"))
        assert np.array_equal(back["0.weight"], model[0].weight.detach().numpy())
    except ImportError:
        pass
    print(f"fixtures in {out_dir}: {meta['gauntlet.arch']}, train accuracy {accuracy:.4f}, loss {loss.item():.4f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fixtures", metavar="DIR", help="regenerate Gauntlet's PyTorch interop fixtures in DIR")
    args = ap.parse_args()
    if args.fixtures:
        make_fixtures(args.fixtures)
    else:
        ap.print_help()


if __name__ == "__main__":
    main()
