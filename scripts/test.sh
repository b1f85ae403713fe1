#!/usr/bin/env bash
# The test command: installs system packages if needed, then runs the whole suite.
# With CI=true a missing OpenCL platform is a failure (the OpenCL backend must run on PoCL).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-system.sh
if [ "${CI:-}" = "true" ]; then
  clinfo -l || true
fi
swift build --build-tests
swift test --skip-build 2>&1 | tee .build/test-output.txt
