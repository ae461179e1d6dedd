#!/usr/bin/env bash
# Fuzzes one target with AFL++ through SharpFuzz:  fuzz/run.sh TARGET SECONDS
#   Builds the harness (fuzz/GovGateway.Fuzz), copies it to fuzz/.build/TARGET, instruments there the
#   assemblies that TARGET exercises, and runs afl-fuzz (at nice 19) from fuzz/seeds/TARGET for SECONDS,
#   with the dictionary fuzz/dict/TARGET.dict when there is one.
#   Findings land in fuzz/.findings/TARGET/default/{crashes,hangs}; each is replayed in-process afterwards
#   to print its exception. Exit status: 0 when no crash and no confirmed hang was found, 1 otherwise, 2 on a usage
#   or setup error. The last line is "fuzz TARGET: passed|failed (...)".
# Environment: FUZZ_SKIP_BUILD=1 reuses fuzz/.build/bin (fuzz/ci.sh builds once for all targets);
#   FUZZ_TIMEOUT_MS per-input timeout (default 5000); FUZZ_MAX_LEN largest input afl-fuzz makes (default 16384:
#   the known quadratic regexes of issue 15 point 1 stay below the timeout at that size);
#   FUZZ_HANG_SECONDS how long a replayed hang must take to count as one (default 10).
set -uo pipefail
cd "$(dirname "$0")/.."

target=${1:-}
seconds=${2:-}
assemblies=""
case "$target" in
  smtp-command|smtp-data) assemblies="GovGateway.Smtp.dll" ;;
  mime)          assemblies="GovGateway.Policies.dll MimeKit.dll" ;;
  pdf-signature) assemblies="GovGateway.Policies.dll" ;;
  archive)       assemblies="GovGateway.Policies.dll SharpCompress.dll UglyToad.PdfPig.dll UglyToad.PdfPig.Core.dll UglyToad.PdfPig.Tokenization.dll" ;;
  policy-yaml)   assemblies="GovGateway.Policies.dll YamlDotNet.dll" ;;
  *) echo "usage: fuzz/run.sh TARGET SECONDS; targets: smtp-command smtp-data mime pdf-signature archive policy-yaml" >&2; exit 2 ;;
esac
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "SECONDS must be a positive whole number, not '$seconds'" >&2; exit 2
fi
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install -y afl++" >&2; exit 2; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
bin=fuzz/.build/bin
if [ "${FUZZ_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$bin/GovGateway.Fuzz.dll" ]; then
  (cd fuzz && dotnet tool restore >/dev/null) || { echo "dotnet tool restore failed (SharpFuzz.CommandLine)" >&2; exit 2; }
  nice -n 19 dotnet build fuzz/GovGateway.Fuzz -c Release -o "$bin" -v quiet -nologo >fuzz/.build-log 2>&1 \
    || { cat fuzz/.build-log >&2; echo "fuzz: build failed" >&2; exit 2; }
fi

# A fresh, instrumented copy per target: instrumenting twice fails, and the plain build stays reusable.
work=fuzz/.build/$target
rm -rf "$work" && cp -r "$bin" "$work"
for dll in $assemblies; do
  [ -f "$work/$dll" ] || { echo "fuzz: $dll is not in the build output" >&2; exit 2; }
  (cd fuzz && dotnet sharpfuzz "../$work/$dll" >/dev/null) || { echo "fuzz: instrumenting $dll failed" >&2; exit 2; }
done

out=fuzz/.findings/$target
rm -rf "$out" && mkdir -p "$out"
umask 077
dict=()
[ -f "fuzz/dict/$target.dict" ] && dict=(-x "fuzz/dict/$target.dict")
# No UI (CI has no terminal); the harness is a managed program, so no binary check, no CPU binding on the
# shared machine, and a generous start-up time for the runtime.
AFL_NO_UI=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
AFL_FORKSRV_INIT_TMOUT=120000 \
  nice -n 19 afl-fuzz -i "fuzz/seeds/$target" -o "$out" -V "$seconds" -t "${FUZZ_TIMEOUT_MS:-5000}+" -m none \
    -G "${FUZZ_MAX_LEN:-16384}" "${dict[@]}" -- dotnet "$work/GovGateway.Fuzz.dll" "$target" >"$out/afl.log" 2>&1
afl_status=$?

stats=$out/default/fuzzer_stats
if [ ! -f "$stats" ]; then
  tail -n 30 "$out/afl.log" >&2
  echo "fuzz $target: failed (afl-fuzz did not start, status $afl_status)"
  exit 1
fi
stat() { awk -F' *: *' -v k="$1" '$1==k {print $2}' "$stats"; }
execs=$(stat execs_done); crashes=$(stat saved_crashes); hangs=$(stat saved_hangs); corpus=$(stat corpus_count)
run_time=$(stat run_time); speed=$(stat execs_per_sec); edges=$(stat edges_found)

# Replay what afl-fuzz kept, in-process, to show the exception (or the time) of each.
confirmed_hangs=0
if [ "${crashes:-0}" -gt 0 ]; then
  echo "== crashes of $target (replayed):"
  dotnet "$bin/GovGateway.Fuzz.dll" "$target" --run "$out/default/crashes" | grep -v '^ok ' | head -n 80
fi
if [ "${hangs:-0}" -gt 0 ]; then
  # A timeout under afl-fuzz on a loaded machine may be load; it counts when it is slow on its own as well.
  echo "== hangs of $target (replayed, over ${FUZZ_HANG_SECONDS:-10} s counts):"
  dotnet "$bin/GovGateway.Fuzz.dll" "$target" --run "$out/default/hangs" --max-seconds "${FUZZ_HANG_SECONDS:-10}" | tee "$out/hangs-replayed.log" | head -n 40
  confirmed_hangs=$(grep -c -E '^(SLOW|FAIL) ' "$out/hangs-replayed.log" || true)
fi

summary="$execs execs in ${run_time}s ($speed/s), corpus $corpus, $edges edges, $crashes crashes, $hangs timeouts ($confirmed_hangs confirmed)"
if [ "${crashes:-0}" -eq 0 ] && [ "$confirmed_hangs" -eq 0 ]; then
  echo "fuzz $target: passed ($summary)"
else
  echo "fuzz $target: failed ($summary; inputs in $out/default)"
  exit 1
fi
