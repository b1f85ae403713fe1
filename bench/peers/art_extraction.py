#!/usr/bin/env python3
"""ART 1.20 CopycatCNN and KnockoffNets beside Gauntlet's, on the same victim, thief data and budgets.

Gauntlet's half (run first) exports the digits victim as PyTorch safetensors, the thief pools
(the digits training split with 10 k-means groups; 2000 stroke images for Copycat), the test
split, and its own results behind the defenses that match ART's postprocessors:

    pip install "adversarial-robustness-toolbox==1.20.*" torch safetensors
    swift build -c release --product gauntlet-bench
    GAUNTLET_PEER_DIR=peer .build/release/gauntlet-bench steal-peer --backends cpu
    python3 bench/peers/art_extraction.py --dir peer [--budgets 250,500,1000] [--only copycat]

Matched settings: substitute MLP 64-128-10, Adam lr 3e-3, batch 32, the epochs Gauntlet uses at
each budget (at least 600 optimizer steps: max(30, ceil(600 / ceil(budget/32))), at most 200);
Copycat on labels from the stroke images, Knockoff on probabilities (use_probability=True) from
the training split; postprocessors GaussianNoise(scale=0.2), ReverseSigmoid(beta=1, gamma=0.1),
Rounded(decimals=1), ClassLabels(), HighConfidence(cutoff=0.8) ↔ Gauntlet's noise:sigma=0.2,
reverse-sigmoid:beta=1,gamma=0.1, round:1, label-only, threshold:0.8.

GNT-labels: Gauntlet's Knockoff trained on argmax labels (answers=labels), the answer form ART's
KnockoffNets ends up training on; GNT: Gauntlet's default (soft scores when revealed).
Gauntlet's columns are medians over five attack seeds (the thief pool fixed; the export also
records the accuracy range); ART's are one run (seed 1), since one ART cell takes 10–80 s here.

Notes on ART's behaviour that the numbers reflect: PyTorchClassifier.fit with CrossEntropyLoss
reduces soft targets to their argmax, so ART's use_probability=True still trains on labels; ART's
adaptive KnockoffNets queries and fits one sample at a time (nb_stolen single-row fits) before its
final fit, and trains on argmax labels only.
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn

from art.attacks.extraction import CopycatCNN, KnockoffNets
from art.defences.postprocessor import ClassLabels, GaussianNoise, HighConfidence, ReverseSigmoid, Rounded
from art.estimators.classification import PyTorchClassifier

from gauntlet_peer import load_victim

POSTPROCESSORS = {
    "none": lambda: [],
    "GaussianNoise": lambda: [GaussianNoise(scale=0.2, apply_predict=True)],
    "ReverseSigmoid": lambda: [ReverseSigmoid(beta=1.0, gamma=0.1, apply_predict=True)],
    "Rounded": lambda: [Rounded(decimals=1, apply_predict=True)],
    "ClassLabels": lambda: [ClassLabels(apply_predict=True)],
    "HighConfidence": lambda: [HighConfidence(cutoff=0.8, apply_predict=True)],
}


def epochs_for(budget):
    steps_per_epoch = math.ceil(budget / 32)
    return min(200, max(30, math.ceil(600 / steps_per_epoch)))


def thief_classifier(seed):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    return PyTorchClassifier(model=model, loss=nn.CrossEntropyLoss(), optimizer=torch.optim.Adam(model.parameters(), lr=3e-3),
                             input_shape=(64,), nb_classes=10, clip_values=(0.0, 1.0))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--budgets", default="250,500,1000")
    ap.add_argument("--only", default="")
    ap.add_argument("--table-only", action="store_true",
                    help="re-join an earlier art-extraction.json with the current gauntlet-extraction.json, without running ART")
    args = ap.parse_args()
    torch.set_num_threads(1)   # small MLPs: one thread is fastest, and steadiest on a shared machine
    d = args.dir
    mlp = load_victim(os.path.join(d, "victim.safetensors"))
    victim_probs = nn.Sequential(mlp, nn.Softmax(dim=1)).eval()
    domain = np.load(os.path.join(d, "thief_domain.npy")).astype(np.float32)
    groups = np.load(os.path.join(d, "thief_groups.npy")).astype(np.int64)
    strokes = np.load(os.path.join(d, "thief_strokes.npy")).astype(np.float32)
    test_x = np.load(os.path.join(d, "test_x.npy")).astype(np.float32)
    test_y = np.load(os.path.join(d, "test_y.npy")).astype(np.int64)
    with torch.no_grad():
        victim_test = mlp(torch.from_numpy(test_x)).argmax(1).numpy()
    print(f"victim test accuracy {np.mean(victim_test == test_y):.4f}")
    gauntlet = {}
    gpath = os.path.join(d, "gauntlet-extraction.json")
    if os.path.exists(gpath):
        for r in json.load(open(gpath)):
            gauntlet[(r["attack"], r["postprocessor"], int(r["budget"]))] = r
    if args.table_only:
        rows = json.load(open(os.path.join(d, "art-extraction.json")))
        for r in rows:
            g = gauntlet.get((r["attack"], r["postprocessor"], r["budget"]))
            if g:
                r.update(gauntlet_accuracy=float(g["accuracy"]), gauntlet_fidelity=float(g["fidelity"]),
                         gauntlet_seconds=float(g["seconds"]), speedup=r["art_seconds"] / float(g["seconds"]))
            gl = gauntlet.get((r["attack"] + "-labels", r["postprocessor"], r["budget"]))
            if gl:
                r["gauntlet_labels_accuracy"] = float(gl["accuracy"])
        summarize(rows, d)
        return
    budgets = [int(b) for b in args.budgets.split(",")]
    only = set(args.only.split(",")) if args.only else None
    rows = []
    print(f"{'attack':18} {'postprocessor':15} {'budget':>6}  {'ART acc':>7} {'ART fid':>7} {'ART s':>7}  "
          f"{'GNT acc':>7} {'GNT fid':>7} {'GNT s':>7}  {'speed-up':>8}")
    for attack in ["copycat", "knockoff-random", "knockoff-adaptive"]:
        if only and attack not in only:
            continue
        for post, make in POSTPROCESSORS.items():
            for b in budgets:
                np.random.seed(1)
                victim = PyTorchClassifier(model=victim_probs, loss=nn.CrossEntropyLoss(), input_shape=(64,), nb_classes=10,
                                           clip_values=(0.0, 1.0), postprocessing_defences=make())
                thief = thief_classifier(1)
                error = None
                t0 = time.perf_counter()
                try:
                    if attack == "copycat":
                        atk = CopycatCNN(classifier=victim, batch_size_fit=32, batch_size_query=256, nb_epochs=epochs_for(b),
                                         nb_stolen=b, use_probability=False)
                        t0 = time.perf_counter()
                        stolen = atk.extract(x=strokes, thieved_classifier=thief)
                    else:
                        strategy = attack.split("-")[1]
                        atk = KnockoffNets(classifier=victim, batch_size_fit=32, batch_size_query=256, nb_epochs=epochs_for(b),
                                           nb_stolen=b, sampling_strategy=strategy, reward="all", use_probability=True,
                                           verbose=False)
                        t0 = time.perf_counter()
                        stolen = atk.extract(x=domain, y=groups if strategy == "adaptive" else None, thieved_classifier=thief)
                except Exception as e:  # ART fails on some postprocessors (e.g. NaN bandit probabilities)
                    error, stolen = f"{type(e).__name__}: {e}", None
                secs = time.perf_counter() - t0
                if stolen is not None:
                    pred = stolen.predict(test_x).argmax(1)
                    acc, fid = float(np.mean(pred == test_y)), float(np.mean(pred == victim_test))
                else:
                    acc = fid = float("nan")
                    print(f"ART {attack} {post} {b} failed: {error}", flush=True)
                g = gauntlet.get((attack, post, b))
                gacc = float(g["accuracy"]) if g else float("nan")
                gfid = float(g["fidelity"]) if g else float("nan")
                gsec = float(g["seconds"]) if g else float("nan")
                speed = secs / gsec if g else float("nan")
                rows.append(dict(attack=attack, postprocessor=post, budget=b, art_accuracy=acc, art_fidelity=fid, art_seconds=secs,
                                 gauntlet_accuracy=gacc, gauntlet_fidelity=gfid, gauntlet_seconds=gsec, speedup=speed,
                                 error=error))
                print(f"{attack:18} {post:15} {b:6d}  {acc:7.3f} {fid:7.3f} {secs:7.2f}  {gacc:7.3f} {gfid:7.3f} {gsec:7.2f}  {speed:7.1f}x",
                      flush=True)
    old = os.path.join(d, "art-extraction.json")
    if only and os.path.exists(old):   # keep the other attacks' rows from an earlier run
        rows = [r for r in json.load(open(old)) if r["attack"] not in only] + rows
    summarize(rows, d, print_rows=bool(only))


def summarize(rows, d, print_rows=True):
    if print_rows:
        print(f"{'attack':18} {'postprocessor':15} {'budget':>6}  {'ART acc':>7} {'ART fid':>7} {'ART s':>7}  "
              f"{'GNT acc':>7} {'GNT fid':>7} {'GNT s':>7}  {'speed-up':>8}  {'GNT-labels acc':>14}")
        for r in rows:
            lab = r.get("gauntlet_labels_accuracy", float("nan"))
            print(f"{r['attack']:18} {r['postprocessor']:15} {r['budget']:6d}  {r['art_accuracy']:7.3f} {r['art_fidelity']:7.3f} "
                  f"{r['art_seconds']:7.2f}  {r['gauntlet_accuracy']:7.3f} {r['gauntlet_fidelity']:7.3f} {r['gauntlet_seconds']:7.2f}  "
                  f"{r['speedup']:7.1f}x  {lab:14.3f}" + ("  (ART failed)" if r.get("error") else ""))
    out = os.path.join(d, "art-extraction.json")
    json.dump(rows, open(out, "w"), indent=1)
    if rows:
        sp = sorted(r["speedup"] for r in rows if not math.isnan(r["speedup"]) and not r.get("error"))
        ge = sum(1 for r in rows if not r["art_accuracy"] >= r["gauntlet_accuracy"] + 1e-9)   # ART failures count for Gauntlet
        if sp:
            near = sum(1 for r in rows if not r["art_accuracy"] >= r["gauntlet_accuracy"] + 0.02)
            print(f"median speed-up {sp[len(sp) // 2]:.1f}x over {len(sp)} cells ART completed (min {sp[0]:.1f}x, max {sp[-1]:.1f}x); "
                  f"Gauntlet accuracy >= ART's in {ge}/{len(rows)} cells, within 2 points in {near}/{len(rows)} "
                  f"(cells where ART failed count for Gauntlet)")
    print(f"wrote {out}")

if __name__ == "__main__":
    main()
