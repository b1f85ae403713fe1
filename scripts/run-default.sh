#!/usr/bin/env bash
# The main job on the embedded digits data: set up, build (release), train the victim, check the
# backends, measure defenses' cost to honest users, and attack the victim. Outputs go to ./gauntlet-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-system.sh
swift build -c release --product gauntlet
G=.build/release/gauntlet
OUT=gauntlet-out
mkdir -p "$OUT"
BACKEND="${GAUNTLET_BACKEND:-auto}"

echo "== devices"; $G devices
echo "== conformance (OpenCL when a platform exists)"
if $G conformance --backend opencl --failures-only --json "$OUT/conformance.json"; then :; else
  echo "(no OpenCL platform or a failure: see above; continuing on the CPU backend)"; fi
echo "== train the digits victim"
$G train --dataset digits --arch mlp:64-128-64-10 --epochs 30 --seed 1 --out "$OUT/victim.gmodel" --backend "$BACKEND" --quiet
$G evaluate-model --model "$OUT/victim.gmodel" --backend "$BACKEND"
echo "== hardened victims"
$G train --arch mlp:64-128-64-10 --epochs 10 --adversarial pgd:eps=0.1,steps=7 --out "$OUT/victim-pgd.gmodel" --backend "$BACKEND" --quiet
$G train --arch mlp:64-128-64-10 --epochs 30 --distill 20 --out "$OUT/victim-distilled.gmodel" --backend "$BACKEND" --quiet
echo "== defenses: cost to honest users"
for d in "round:2" "topk:3" "noise:gaussian,sigma=0.05" "reverse-sigmoid:beta=1,gamma=0.1" "mad:epsilon=0.5" "deceptive"; do
  $G defend --model "$OUT/victim.gmodel" --defense "$d" --backend "$BACKEND"
done
echo "== black-box evasion through the oracle (undefended, then behind defenses)"
$G attack --model "$OUT/victim.gmodel" --attack square:eps=0.2,queries=1000 --samples 100 --backend "$BACKEND" --out "$OUT/square.json"
$G attack --model "$OUT/victim.gmodel" --attack simba:basis=dct,eps=0.2 --samples 100 --backend "$BACKEND"
$G attack --model "$OUT/victim.gmodel" --attack nes:eps=0.2,queries=2000 --samples 100 --backend "$BACKEND" --defense "round:1"
$G attack --model "$OUT/victim-pgd.gmodel" --attack square:eps=0.2,queries=1000 --samples 100 --backend "$BACKEND"
echo "done: outputs in $OUT/"
