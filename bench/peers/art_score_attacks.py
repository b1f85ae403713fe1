#!/usr/bin/env python3
"""ART 1.20 beside Gauntlet's score-based attacks, on the same victim and the same 100 points.

Gauntlet's half (run first, in the same shell) exports the digits victim as PyTorch safetensors,
the 100 correctly classified digits test points, and its own results:

    pip install "adversarial-robustness-toolbox==1.20.*" torch safetensors
    GAUNTLET_PEER_DIR=peer swift test -c release --filter ScorePeerExport
    python3 bench/peers/art_score_attacks.py --dir peer [--only square-linf,nes-linf]

This script loads the victim into a torch nn.Sequential, checks it agrees with the exported labels,
runs ART's SquareAttack (L-inf, L2), SimBA (pixel, DCT) and ZooAttack with the parameters Gauntlet
used (see MATCHED below), and a batched NES loop in torch (ART has no NES), then prints success
rate, mean queries per sample and wall time beside Gauntlet's figures from gauntlet-score.json.

Queries on the ART side are every row the victim's forward pass receives (a counting wrapper),
divided by the number of samples: ART reports no per-sample counts, and its internal
"still robust?" predictions are queries a black box would be charged for. ART's budgets are in
iterations: Square and SimBA get max_iter = Gauntlet's per-sample query budget (so ART may spend
more queries than Gauntlet, never fewer); ZOO gets max_iter = budget // (2·nb_parallel + 1).
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn

from gauntlet_peer import load_points, load_victim

MATCHED = {
    "square-linf": dict(norm="inf", eps=0.2, p_init=0.3, queries=1000),
    "square-l2": dict(norm=2, eps=1.5, p_init=0.3, queries=1000),
    "simba-pixel": dict(attack="px", epsilon=0.2, queries=1000),
    "simba-dct": dict(attack="dct", epsilon=0.2, freq_dim=4, stride=1, queries=1000),
    "zoo": dict(initial_const=10.0, learning_rate=0.01, nb_parallel=32, variable_h=1e-4, queries=4000),
    "nes-linf": dict(eps=0.2, sigma=0.001, q=25, step=0.04, queries=2000),
}


class Counted(nn.Module):
    """The victim on 1x8x8 images (ART's image attacks need NCHW), counting every row it answers."""

    def __init__(self, mlp, softmax=False):
        super().__init__()
        self.mlp, self.softmax, self.rows = mlp, softmax, 0

    def forward(self, x):
        self.rows += x.shape[0]
        z = self.mlp(x.reshape(x.shape[0], -1))
        return torch.softmax(z, dim=1) if self.softmax else z


def art_classifier(model):
    from art.estimators.classification import PyTorchClassifier
    return PyTorchClassifier(model=model, loss=nn.CrossEntropyLoss(), input_shape=(1, 8, 8), nb_classes=10,
                             clip_values=(0.0, 1.0), device_type="cpu")


def run_art(key, mlp, x, y):
    from art.attacks.evasion import SimBA, SquareAttack, ZooAttack
    p = MATCHED[key]
    model = Counted(mlp, softmax=key.startswith("simba"))  # ART's SimBA needs probabilities
    clf = art_classifier(model)
    if key.startswith("square"):
        attack = SquareAttack(clf, norm=np.inf if p["norm"] == "inf" else p["norm"], eps=p["eps"], p_init=p["p_init"],
                              max_iter=p["queries"], nb_restarts=1, batch_size=len(x), verbose=False)
    elif key.startswith("simba"):
        attack = SimBA(clf, attack=p["attack"], max_iter=p["queries"], epsilon=p["epsilon"], order="random",
                       freq_dim=p.get("freq_dim", 4), stride=p.get("stride", 1), batch_size=1, verbose=False)
    else:
        attack = ZooAttack(clf, confidence=0.0, learning_rate=p["learning_rate"],
                           max_iter=p["queries"] // (2 * p["nb_parallel"] + 1), binary_search_steps=1,
                           initial_const=p["initial_const"], abort_early=True, use_resize=False, use_importance=False,
                           nb_parallel=p["nb_parallel"], batch_size=1, variable_h=p["variable_h"], verbose=False)
    model.rows = 0
    t0 = time.perf_counter()
    if key.startswith("simba"):  # ART's SimBA takes one sample per call
        adv = np.concatenate([attack.generate(x[i:i + 1]) for i in range(len(x))])
    else:
        adv = attack.generate(x)
    seconds = time.perf_counter() - t0
    queries = model.rows
    with torch.no_grad():
        pred = mlp(torch.from_numpy(adv.reshape(len(x), -1))).argmax(1).numpy()
    return dict(success=float(np.mean(pred != y)), mean_queries=queries / len(x), seconds=seconds)


def run_nes(mlp, x, y):
    """NES (Ilyas et al. 2018) as a batched torch loop: antithetic Gaussian estimate of the CE
    loss log p_y, sign step, L-inf projection, one success check per iteration, per-sample budget."""
    p = MATCHED["nes-linf"]
    gen = torch.Generator().manual_seed(0)
    x0 = torch.from_numpy(x.reshape(len(x), -1))
    yt = torch.from_numpy(y.astype(np.int64))
    xa = x0.clone()
    queries = torch.zeros(len(x), dtype=torch.int64)
    done = torch.zeros(len(x), dtype=torch.bool)
    success = torch.zeros(len(x), dtype=torch.bool)
    cost = 2 * p["q"] + 1
    t0 = time.perf_counter()
    with torch.no_grad():
        pred = mlp(xa).argmax(1)
        queries += 1
        success |= pred != yt
        done |= success
        while True:
            done |= queries + cost > p["queries"]
            idx = torch.nonzero(~done).flatten()
            if len(idx) == 0:
                break
            m, d = len(idx), x0.shape[1]
            u = torch.randn(m, p["q"], d, generator=gen)
            pts = torch.cat([xa[idx, None] + p["sigma"] * u, xa[idx, None] - p["sigma"] * u], 1).clamp(0, 1)
            logp = torch.log_softmax(mlp(pts.reshape(-1, d)), 1).reshape(m, 2 * p["q"], -1)
            f = logp.gather(2, yt[idx, None, None].expand(m, 2 * p["q"], 1)).squeeze(2)
            g = ((f[:, :p["q"]] - f[:, p["q"]:])[:, :, None] * u).sum(1) / (2 * p["sigma"] * p["q"])
            step = xa[idx] - p["step"] * g.sign()
            xa[idx] = torch.min(torch.max(step, x0[idx] - p["eps"]), x0[idx] + p["eps"]).clamp(0, 1)
            pred = mlp(xa[idx]).argmax(1)
            queries[idx] += cost
            hit = pred != yt[idx]
            success[idx] |= hit
            done[idx] |= hit
    seconds = time.perf_counter() - t0
    return dict(success=float(success.float().mean()), mean_queries=float(queries.float().mean()), seconds=seconds)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", required=True, help="folder written by ScorePeerExport")
    ap.add_argument("--only", default="", help="comma-separated subset of " + ",".join(MATCHED))
    ap.add_argument("--json", help="also write the table as JSON here")
    args = ap.parse_args()
    torch.manual_seed(0)
    np.random.seed(0)
    mlp = load_victim(os.path.join(args.dir, "victim.safetensors"))
    x, y = load_points(args.dir, mlp)
    gauntlet = json.load(open(os.path.join(args.dir, "gauntlet-score.json")))
    keys = [k for k in MATCHED if not args.only or k in args.only.split(",")]
    rows = []
    print(f"\n| attack | Gauntlet success | ART success | Gauntlet queries | ART queries | Gauntlet s | ART s | speed-up |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for k in keys:
        art = run_nes(mlp, x, y) if k == "nes-linf" else run_art(k, mlp, x, y)
        g = gauntlet.get(k, {})
        gs = g.get("seconds", float("nan"))
        row = dict(attack=k, gauntlet_success=g.get("successRate"), art_success=art["success"],
                   gauntlet_queries=g.get("meanQueries"), art_queries=art["mean_queries"],
                   gauntlet_seconds=gs, art_seconds=art["seconds"], speedup=art["seconds"] / gs if gs else None)
        rows.append(row)
        peer = "torch NES loop" if k == "nes-linf" else "ART"
        print(f"| {k} ({peer}) | {row['gauntlet_success']:.2f} | {art['success']:.2f} | {row['gauntlet_queries']:.1f} | "
              f"{art['mean_queries']:.1f} | {gs:.3f} | {art['seconds']:.3f} | {row['speedup']:.1f}x |", flush=True)
    if args.json:
        json.dump(rows, open(args.json, "w"), indent=2)


if __name__ == "__main__":
    main()
