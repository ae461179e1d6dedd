#!/usr/bin/env bash
# SMTP engine benchmark: Postfix smtp-source against (a) the engine's bench host (discarding
# handler) and (b) Postfix smtp-sink alone (the ceiling), same load, same run.
# Writes the "SMTP engine" section of bench/RESULTS.md.
#
# Usage: bench/engine/run.sh [messages] [size-bytes]      (defaults: 20000 10240)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
MSGS="${1:-20000}"
SIZE="${2:-10240}"
SESSIONS=(1 10 50)
SINK_PORT="${SINK_PORT:-32525}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

command -v smtp-source >/dev/null || PATH="$PATH:/usr/sbin"
SINK_USER=()
[ "$(id -u)" = 0 ] && SINK_USER=(-u nobody)   # smtp-sink refuses to run as root without -u

echo "building bench host (Release)..." >&2
dotnet build -c Release "$HERE/BenchHost/BenchHost.csproj" -nologo -v q >/dev/null
HOST_DLL="$HERE/BenchHost/bin/Release/net10.0/BenchHost.dll"

now() { date +%s.%N; }
hwm_kb() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

HOST_PID=""; HOST_PORT=""
start_host() {
  dotnet "$HOST_DLL" 0 >"$WORK/host.out" 2>&1 &
  HOST_PID=$!
  for _ in $(seq 1 100); do
    HOST_PORT="$(awk '/^ready/ {print $2}' "$WORK/host.out" 2>/dev/null || true)"
    [ -n "$HOST_PORT" ] && return 0
    sleep 0.1
  done
  echo "bench host did not start:" >&2; cat "$WORK/host.out" >&2; exit 1
}
stop_host() { kill -TERM "$HOST_PID" 2>/dev/null || true; wait "$HOST_PID" 2>/dev/null || true; }

SINK_PID=""
start_sink() {
  smtp-sink "${SINK_USER[@]}" "127.0.0.1:$SINK_PORT" 1000 &
  SINK_PID=$!
  for _ in $(seq 1 100); do
    ss -ltn "sport = :$SINK_PORT" | grep -q LISTEN && return 0
    sleep 0.1
  done
  echo "smtp-sink did not start" >&2; exit 1
}
stop_sink() { kill "$SINK_PID" 2>/dev/null || true; wait "$SINK_PID" 2>/dev/null || true; }

# run_load <port> <sessions> <reuse-flag> -> prints seconds
run_load() {
  local port=$1 sessions=$2 reuse=$3 t0 t1
  t0=$(now)
  timeout 120 smtp-source $reuse -s "$sessions" -m "$MSGS" -l "$SIZE" -f bench@example.com -t sink@example.com "127.0.0.1:$port"
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}

REPS="${REPS:-3}"
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

ROWS=()
for reuse in "" "-d"; do
  for s in "${SESSIONS[@]}"; do
    start_host
    # Warm up to the steady state of a long-running server: tiered JIT promotes methods only after
    # they are called again after a pause, so warm in three bursts with pauses between them.
    for w in 10 50 10; do smtp-source -s "$w" -m 2000 -l "$SIZE" "127.0.0.1:$HOST_PORT"; sleep 0.5; done
    # Alternate sink and engine runs so drift on a shared machine hits both; report medians.
    sink_rates=(); eng_rates=(); ratios=()
    for _ in $(seq 1 "$REPS"); do
      start_sink
      sink_secs=$(run_load "$SINK_PORT" "$s" "$reuse")
      stop_sink
      eng_secs=$(run_load "$HOST_PORT" "$s" "$reuse")
      sr=$(echo "$MSGS / $sink_secs" | bc -l); er=$(echo "$MSGS / $eng_secs" | bc -l)
      sink_rates+=("$sr"); eng_rates+=("$er"); ratios+=("$(echo "100 * $er / $sr" | bc -l)")
    done
    eng_hwm=$(hwm_kb "$HOST_PID")
    stop_host

    sink_rate=$(printf '%s\n' "${sink_rates[@]}" | median)
    eng_rate=$(printf '%s\n' "${eng_rates[@]}" | median)
    ratio=$(printf '%s\n' "${ratios[@]}" | median)
    all=$(printf '%.0f%% ' "${ratios[@]}")
    mode=$([ -n "$reuse" ] && echo "reuse (-d)" || echo "new connection per message")
    row=$(printf "| %s | %d | %.0f | %.0f | %.0f%% | %s| %.1f |" "$mode" "$s" "$sink_rate" "$eng_rate" "$ratio" "$all" "$(echo "$eng_hwm / 1024" | bc -l)")
    echo "$row" >&2
    ROWS+=("$row")
  done
done

# 50 MB message: peak memory growth of the host process (VmHWM after minus before).
start_host
smtp-source -m 1 -l "$SIZE" "127.0.0.1:$HOST_PORT"
before_hwm=$(hwm_kb "$HOST_PID")
before_rss=$(rss_kb "$HOST_PID")
BIG=$((50 * 1000 * 1000))
smtp-source -m 1 -l "$BIG" "127.0.0.1:$HOST_PORT"
after_hwm=$(hwm_kb "$HOST_PID")
stop_host
received=$(awk '/^messages/ {print $4}' "$WORK/host.out")
big_row=$(printf "| 50,000,000-byte payload (smtp-source -m 1 -l %d) | %.1f MB | %.1f MB | %.1f MB | %s bytes stored |" \
  "$BIG" "$(echo "$before_hwm/1024" | bc -l)" "$(echo "$after_hwm/1024" | bc -l)" "$(echo "($after_hwm-$before_hwm)/1024" | bc -l)" "$received")
echo "$big_row" >&2

CPU="$(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//')"
SECTION="$WORK/section.md"
{
  echo "## SMTP engine"
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $CPU, loopback, client and server sharing the cores."
  echo "Command: \`bench/engine/run.sh $MSGS $SIZE\` — for each row, \`smtp-source [-d] -s N -m $MSGS -l $SIZE -f bench@example.com -t sink@example.com 127.0.0.1:PORT\`"
  echo "against \`smtp-sink ${SINK_USER[*]} 127.0.0.1:$SINK_PORT 1000\` (ceiling) and against \`dotnet bench/engine/BenchHost/bin/Release/net10.0/BenchHost.dll 0\`"
  echo "(the engine with a handler that accepts everything and discards content; Release build, workstation GC, inline socket completions"
  echo "and no thread-pool spinning as the gateway ships; warmed with 3 × 2,000 messages first)."
  echo "Each row is $REPS alternating runs of smtp-sink and the engine; the rates and the ratio are medians, the runs' own ratios follow."
  echo "Peak RSS is the bench host's VmHWM from /proc/PID/status at the end of the row's run."
  echo
  echo "| connections | sessions | smtp-sink msg/s | engine msg/s | engine / smtp-sink (median) | each run | engine peak RSS (MB) |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Streaming memory: one message, host process VmHWM before and after (the engine never buffers a whole message):"
  echo
  echo "| message | VmHWM before | VmHWM after | growth | check |"
  echo "|---|---|---|---|---|"
  echo "$big_row"
  echo
} >"$SECTION"

RESULTS="$ROOT/bench/RESULTS.md"
python3 - "$RESULTS" "$SECTION" <<'PY'
import sys, re, os
path, section = sys.argv[1], open(sys.argv[2]).read()
text = open(path).read() if os.path.exists(path) else "# Benchmark results\n\n"
pattern = re.compile(r"^## SMTP engine\n.*?(?=^## |\Z)", re.S | re.M)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
PY
echo "wrote $RESULTS" >&2
