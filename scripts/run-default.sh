#!/usr/bin/env bash
# The main job on the embedded digits data: set up, build (release), check the backends, then run the
# default experiment (train the digits victim, steal it, attack it white-box and black-box, defend it,
# write the report), then the white-box vs black-box comparison, exact structure stealing and a
# deployment simulation. Outputs go to ./gauntlet-out/ (open gauntlet-out/default/report.html).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-system.sh
swift build -c release --product gauntlet
G=.build/release/gauntlet
OUT=gauntlet-out
mkdir -p "$OUT"
BACKEND="${GAUNTLET_BACKEND:-auto}"
# Both backends where an OpenCL platform exists, else the CPU alone.
if $G devices 2>/dev/null | grep -q "^platform [0-9]"; then BACKENDS="cpu,opencl"; else BACKENDS="cpu"; fi

echo "== devices"; $G devices
echo "== conformance (OpenCL when a platform exists)"
if $G conformance --backend opencl --failures-only --json "$OUT/conformance.json"; then :; else
  echo "(no OpenCL platform or a failure: see above; continuing on the CPU backend)"; fi

echo "== experiment: train, steal, attack white-box and black-box, defend, report (resumes if interrupted)"
$G evaluate --config examples/default.json --out "$OUT/default" --quiet
cat "$OUT/default/summary.md"

echo "== the victim as a file, and white-box vs black-box on it"
$G train --dataset digits --arch mlp:64-128-64-10 --epochs 30 --seed 1 --out "$OUT/victim.gmodel" --backend "$BACKEND" --quiet
$G compare-attacks --model "$OUT/victim.gmodel" --eps 0.1 --eps-l2 1.0 --queries 1000 --samples 100 \
  --backends "$BACKENDS" --json "$OUT/compare-attacks.json"

echo "== model extraction: Knockoff behind reverse sigmoid; exact structure stealing of a one-hidden-layer net"
$G steal --model "$OUT/victim.gmodel" --attack knockoff:budget=1000 --defense "reverse-sigmoid:beta=1,gamma=0.1" \
  --backend "$BACKEND" --out "$OUT/steal.json" --out "$OUT/thief.gmodel"
$G train --dataset digits --arch mlp:64-32-10 --epochs 10 --seed 1 --out "$OUT/victim-64-32.gmodel" --backend "$BACKEND" --quiet
$G steal --model "$OUT/victim-64-32.gmodel" --attack structure --output logits --backend "$BACKEND" --out "$OUT/structure.json"

echo "== deployment simulation: 1000 clients, 10^6 queries, rounding + PRADA"
$G simulate --model "$OUT/victim.gmodel" --clients 1000 --mix "benign:0.99,square:0.01" --queries 1000000 \
  --defense round:2 --monitors "prada:every=100,growing=50" --backend cpu --quiet --out "$OUT/sim.json"
echo "done: outputs in $OUT/ (report: $OUT/default/report.html)"
