#!/usr/bin/env bash
# Short bounded fuzzing of every target, for CI:  fuzz/ci.sh [SECONDS_PER_TARGET]   (default 20)
# Builds once, then runs fuzz/run.sh for each target. Prints one line per target,
#   "fuzz-result: TARGET passed" or "fuzz-result: TARGET failed",
# which .ci/run counts like test results, and exits 1 if any target found a crash or a confirmed hang.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
targets=(smtp-command smtp-data mime pdf-signature archive policy-yaml)

# Build (and restore the sharpfuzz tool) once; a failure there fails every target.
build_ok=1
(cd fuzz && dotnet tool restore >/dev/null) && \
  nice -n 19 dotnet build fuzz/GovGateway.Fuzz -c Release -o fuzz/.build/bin -v quiet -nologo >fuzz/.build-log 2>&1 || build_ok=0

failed=0
for target in "${targets[@]}"; do
  if [ "$build_ok" -eq 1 ] && FUZZ_SKIP_BUILD=1 fuzz/run.sh "$target" "$seconds"; then
    echo "fuzz-result: $target passed"
  else
    [ "$build_ok" -eq 1 ] || { tail -n 20 fuzz/.build-log; echo "fuzz $target: failed (build failed)"; }
    echo "fuzz-result: $target failed"
    failed=1
  fi
done
exit $failed
