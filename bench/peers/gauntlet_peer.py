"""Shared by the peer scripts: Gauntlet's exported victim and points, loaded into torch/numpy."""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
from safetensors import safe_open

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


def load_victim(path):
    """nn.Sequential from Gauntlet's torch export (gauntlet.layers metadata, [out, in] weights)."""
    with safe_open(path, "pt") as f:
        meta = f.metadata()
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    layers = []
    for item in meta["gauntlet.layers"].split(","):
        i, kind = item.split(":")
        if kind == "linear":
            w = tensors[f"{i}.weight"]
            lin = nn.Linear(w.shape[1], w.shape[0])
            lin.weight.data.copy_(w)
            lin.bias.data.copy_(tensors[f"{i}.bias"])
            layers.append(lin)
        elif kind in ACTIVATIONS:
            layers.append(ACTIVATIONS[kind]())
        else:
            sys.exit(f"unsupported layer kind {kind!r} in {path}")
    return nn.Sequential(*layers).eval()


def load_points(directory, mlp):
    """The exported points as 1x8x8 images and their labels; exits unless the torch victim
    reproduces Gauntlet's labels on them."""
    x = np.load(os.path.join(directory, "points_x.npy")).astype(np.float32).reshape(-1, 1, 8, 8)
    y = np.load(os.path.join(directory, "points_y.npy")).astype(np.int64)
    with torch.no_grad():
        agree = float((mlp(torch.from_numpy(x.reshape(len(x), -1))).argmax(1).numpy() == y).mean())
    print(f"victim loaded: {len(x)} points, torch agrees with Gauntlet's labels on {agree:.0%}")
    if agree < 0.99:
        sys.exit("the exported victim does not reproduce Gauntlet's predictions")
    return x, y
