#!/usr/bin/env bash
# Installs the Debian packages Gauntlet needs (OpenCL headers + ICD loader, PoCL as a CPU OpenCL
# device, OpenBLAS, clinfo, and chromium for the HTML report test). Idempotent: does nothing when they are already installed.
set -euo pipefail
packages=(ocl-icd-opencl-dev opencl-headers pocl-opencl-icd libopenblas-dev clinfo chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null 2>&1 || { echo "setup: Swift 6 toolchain not found on PATH (https://swift.org/install)" >&2; exit 1; }
