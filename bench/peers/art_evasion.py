#!/usr/bin/env python3
"""ART 1.20 beside Gauntlet's white-box and decision-based evasion attacks, same victim, same points.

Gauntlet's half exports the victim (PyTorch safetensors), the correctly classified test points and
its own per-sample runs of the matched configurations (AttackComparison.peerSpecs):

    swift build -c release
    .build/release/gauntlet train --backend cpu --quiet --epochs 30 --lr 0.002 --out victim.gmodel
    .build/release/gauntlet compare-attacks --model victim.gmodel --backends cpu --samples 100 \
        --eps 0.1 --eps-l2 1.0 --queries 1000 --export-peer peer
    pip install "adversarial-robustness-toolbox==1.20.*" torch safetensors
    python3 bench/peers/art_evasion.py --dir peer --eps 0.1 --eps-l2 1.0 --queries 1000 [--slow-points 20]

ART gets the same hyper-parameters (MATCHED below). Minimal-perturbation attacks (C&W, DeepFool,
HopSkipJump, Boundary, Sign-OPT) run on both sides without an ε stop; "success" is scored the same
way on both: the victim's label changed AND the perturbation lies within ε (L∞ for FGSM, PGD and
HSJ-L∞; --eps-l2 for the L2 attacks). Budgets: Gauntlet enforces --queries per sample exactly;
ART's decision attacks have iteration limits, so they get the iteration count that spends about the
same number of victim rows (counted by a wrapper; SignOPT has query_limit). Queries reported on
the ART side are all rows the model's forward saw divided by the points (gradient calls included).

ART's HopSkipJump, Boundary and Sign-OPT loop over samples in Python: they run on the first
--slow-points points (default 20), and wall time is compared per sample (ms/point).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gauntlet_peer import load_points, load_victim  # noqa: E402  (shared with the other peer scripts)

SLOW = {"hsj-l2", "hsj-linf", "boundary", "signopt"}


def matched(eps, eps_l2, queries):
    """ART constructors with Gauntlet's parameters (see AttackComparison.peerSpecs)."""
    from art.attacks.evasion import (BoundaryAttack, CarliniL2Method, DeepFool, FastGradientMethod, HopSkipJump,
                                     ProjectedGradientDescent, SignOPTAttack)
    # HSJ: iteration t spends ~100·√t probes + ~15 search rows: 5 iterations ≈ 900 rows for 1000.
    hsj_iters, spent = 0, 0
    while spent + int(100 * np.sqrt(hsj_iters + 1)) + 15 <= queries:
        hsj_iters += 1
        spent += int(100 * np.sqrt(hsj_iters)) + 15
    hsj_iters = max(hsj_iters, 1)
    return {
        "fgsm": (np.inf, eps, lambda c, n: FastGradientMethod(c, norm=np.inf, eps=eps, batch_size=n)),
        "pgd": (np.inf, eps, lambda c, n: ProjectedGradientDescent(c, norm=np.inf, eps=eps, eps_step=2.5 * eps / 40,
                                                                  max_iter=40, num_random_init=1, batch_size=n,
                                                                  verbose=False)),
        "cw": (2, eps_l2, lambda c, n: CarliniL2Method(c, confidence=0.0, learning_rate=0.05, binary_search_steps=5,
                                                       max_iter=100, initial_const=1.0, batch_size=n, verbose=False)),
        "deepfool": (2, eps_l2, lambda c, n: DeepFool(c, max_iter=50, epsilon=0.02, nb_grads=10, batch_size=n,
                                                      verbose=False)),
        "hsj-l2": (2, eps_l2, lambda c, n: HopSkipJump(c, norm=2, max_iter=hsj_iters, max_eval=10000, init_eval=100,
                                                       init_size=100, batch_size=n, verbose=False)),
        "hsj-linf": (np.inf, eps, lambda c, n: HopSkipJump(c, norm=np.inf, max_iter=hsj_iters, max_eval=10000,
                                                           init_eval=100, init_size=100, batch_size=n, verbose=False)),
        # ~40 rows per iteration (20 spherical + ~20 source-step candidates) after a 100-row init.
        "boundary": (2, eps_l2, lambda c, n: BoundaryAttack(c, targeted=False, delta=0.01, epsilon=0.01,
                                                            step_adapt=0.667, max_iter=max((queries - 100) // 40, 1),
                                                            num_trial=25, sample_size=20, init_size=100,
                                                            batch_size=n, verbose=False)),
        "signopt": (2, eps_l2, lambda c, n: SignOPTAttack(c, targeted=False, query_limit=queries, k=50, alpha=0.2,
                                                          beta=0.001, batch_size=n, verbose=False)),
    }


class Counted(nn.Module):
    """The victim on 1x8x8 images (NCHW), counting every row its forward pass answers."""

    def __init__(self, mlp):
        super().__init__()
        self.mlp, self.rows = mlp, 0

    def forward(self, x):
        self.rows += x.shape[0]
        return self.mlp(x.reshape(x.shape[0], -1).float())  # some ART attacks feed float64


def scored(pred, y, norms, eps):
    return (pred != y) & (norms <= eps * (1 + 1e-5))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", required=True, help="folder written by compare-attacks --export-peer")
    ap.add_argument("--eps", type=float, default=0.1)
    ap.add_argument("--eps-l2", type=float, default=1.0)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--slow-points", type=int, default=20, help="points for ART's per-sample decision attacks")
    ap.add_argument("--only", default="", help="comma-separated subset of fgsm,pgd,cw,deepfool,hsj-l2,hsj-linf,boundary,signopt")
    ap.add_argument("--json", help="also write the table as JSON here")
    args = ap.parse_args()
    torch.manual_seed(0)
    np.random.seed(0)
    from art.estimators.classification import PyTorchClassifier

    mlp = load_victim(os.path.join(args.dir, "victim.safetensors"))
    x, y = load_points(args.dir, mlp)
    gauntlet = json.load(open(os.path.join(args.dir, "gauntlet-evasion.json")))
    table = matched(args.eps, args.eps_l2, args.queries)
    keys = [k for k in table if not args.only or k in args.only.split(",")]
    rows = []
    print(f"\nε = {args.eps} (L∞), {args.eps_l2} (L2), {args.queries} queries per point; success = label changed within ε")
    print("| attack | points | Gauntlet success | ART success | Gauntlet queries | ART rows | Gauntlet ms/point | ART ms/point | speed-up |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k in keys:
        norm, eps, make = table[k]
        n = min(args.slow_points, len(x)) if k in SLOW else len(x)
        xs, ys = x[:n], y[:n]
        model = Counted(mlp)
        clf = PyTorchClassifier(model=model, loss=nn.CrossEntropyLoss(), input_shape=(1, 8, 8), nb_classes=10,
                                clip_values=(0.0, 1.0), device_type="cpu")
        attack = make(clf, n)
        model.rows = 0
        t0 = time.perf_counter()
        adv = attack.generate(xs, y=None)
        art_s = time.perf_counter() - t0
        delta = (adv - xs).reshape(n, -1)
        norms = np.abs(delta).max(1) if norm == np.inf else np.sqrt((delta ** 2).sum(1))
        with torch.no_grad():
            pred = mlp(torch.from_numpy(adv.reshape(n, -1).astype(np.float32))).argmax(1).numpy()
        art_ok = scored(pred, ys, norms, eps)
        g = gauntlet[k]
        gs = g["samples"][:n]
        g_norms = np.array([s["linf"] if norm == np.inf else s["l2"] for s in gs])
        g_pred = np.array([s["finalLabel"] for s in gs])
        g_ok = scored(g_pred, ys, g_norms, eps)
        g_per = g["summary"]["seconds"] / g["summary"]["samples"]
        art_per = art_s / n
        row = dict(attack=k, points=n, gauntlet_success=float(g_ok.mean()), art_success=float(art_ok.mean()),
                   gauntlet_queries=float(np.mean([s["queries"] for s in gs])), art_rows=model.rows / n,
                   gauntlet_s_per_point=g_per, art_s_per_point=art_per, speedup=art_per / g_per if g_per else None)
        rows.append(row)
        print(f"| {k} | {n} | {row['gauntlet_success']:.2f} | {row['art_success']:.2f} | {row['gauntlet_queries']:.0f} | "
              f"{row['art_rows']:.0f} | {g_per * 1e3:.3f} | {art_per * 1e3:.1f} | {row['speedup']:.1f}x |", flush=True)
    if args.json:
        json.dump(rows, open(args.json, "w"), indent=2)


if __name__ == "__main__":
    main()
