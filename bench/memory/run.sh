#!/usr/bin/env bash
# Whole-gateway memory benchmark (issue 15 §2): the Release gateway on loopback relaying to Postfix's smtp-sink,
# warmed up with 1 MiB messages, then its peak resident memory (VmHWM in /proc/PID/status) before and after
#   one ~51.7 MB message (a 36 MiB attachment, base64) unsigned, then with a signed 36 MiB PDF report, and
#   CONCURRENT (default 50) of each at once (one connection each, bench/memory/send.py streams the file).
# Each step waits until the gateway has delivered everything (its spool is empty) before reading VmHWM.
# Targets: one message raises the peak by at most 10 MB over the warmed-up gateway; 50 at once stay under 500 MB.
# Prints a markdown table; the figures go to bench/RESULTS.md by hand ("Gateway memory").
#
# Everything listens on 127.0.0.1 on free ports; the gateway and smtp-sink started here are stopped by PID on exit.
# Needs the Debian postfix package (smtp-sink) and python3; as root smtp-sink runs as nobody.
#
# Usage: bench/memory/run.sh [--no-build] [--concurrent N] [--messages DIR] [--gateway-arg ARG]... [--keep]
#   --no-build        use the gateway already published in $GW_OUT (default /tmp/gw-mem-out)
#   --messages DIR    messages written earlier by `cd bench/policy && dotnet run -c Release -- messages DIR`
#   --gateway-arg A   an extra --Section:Key=value for the gateway (repeatable), e.g. a GC setting to compare
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
GW_OUT=${GW_OUT:-/tmp/gw-mem-out}
CONCURRENT=50
BUILD=1
MSGS=""
KEEP=0
GW_EXTRA=()
STEP_TIMEOUT=900   # seconds any one step (send + drain) may take

while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) BUILD=0; shift ;;
        --concurrent) CONCURRENT=$2; shift 2 ;;
        --messages) MSGS=$(cd "$2" && pwd); shift 2 ;;
        --gateway-arg) GW_EXTRA+=("$2"); shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
done
[[ "$CONCURRENT" =~ ^[1-9][0-9]*$ && "$CONCURRENT" -le 200 ]] || { echo "run.sh: --concurrent needs 1-200" >&2; exit 2; }
[ -x /usr/sbin/smtp-sink ] || { echo "run.sh: /usr/sbin/smtp-sink not found: install the Debian postfix package" >&2; exit 1; }

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
TMP=$(mktemp -d /tmp/membench.XXXXXX)
GW_PID=""; SINK_PID=""
cleanup() {
    local rc=$?
    set +e
    if [ -n "$GW_PID" ] && kill -0 "$GW_PID" 2>/dev/null; then
        kill -TERM "$GW_PID"; for _ in $(seq 100); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$GW_PID" 2>/dev/null; wait "$GW_PID" 2>/dev/null
    fi
    [ -n "$SINK_PID" ] && kill -TERM "$SINK_PID" 2>/dev/null && wait "$SINK_PID" 2>/dev/null
    if [ "$KEEP" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
status_kb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k/1024 }'; }
cpu_s() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.1f", ($14+$15)/t }' "/proc/$1/stat"; }

if [ "$BUILD" = 1 ]; then
    log "publishing the gateway (Release) to $GW_OUT"
    dotnet publish "$ROOT/src/Gateway" -c Release -o "$GW_OUT" -nologo -v q >"$TMP/publish.log" 2>&1 || { cat "$TMP/publish.log" >&2; exit 1; }
fi
if [ -z "$MSGS" ]; then
    MSGS="$TMP/msgs"
    log "writing the messages to $MSGS"
    (cd "$ROOT/bench/policy" && dotnet run -c Release -- messages "$MSGS") >&2
fi

# The shipped configuration, with the test PKI's root and CRL as the trust folder, so the signed PDF is valid.
cp -r "$ROOT/config" "$TMP/config"
rm -f "$TMP/config/trust/"*.pem "$TMP/config/trust/"*.crl
cp "$MSGS/trust/"* "$TMP/config/trust/"

SINK_PORT=$(free_port)
SINK_USER=(); [ "$(id -u)" = 0 ] && SINK_USER=(-u nobody)
/usr/sbin/smtp-sink "${SINK_USER[@]}" "127.0.0.1:$SINK_PORT" 1000 &
SINK_PID=$!

GW_PORT=$(free_port)
GW_ARGS=(run --config "$TMP/config" --data "$TMP/data"
    "--Smtp:Listeners:Relay:Port=$GW_PORT" --Smtp:Listeners:Submission:Enabled=false --Smtp:Listeners:Smtps:Enabled=false --Console:Port=0
    --Delivery:Upstream:Host=127.0.0.1 "--Delivery:Upstream:Port=$SINK_PORT" --Delivery:Upstream:Security=None
    --Logging:LogLevel:Default=Warning
    --Smtp:MaxConnectionsPerIp=200 --Access:RateLimits:MessagesPerIp=0 --Access:RateLimits:RecipientsPerIp=0
    "${GW_EXTRA[@]}")
log "gateway: $GW_OUT/gateway ${GW_ARGS[*]}"
"$GW_OUT/gateway" "${GW_ARGS[@]}" >"$TMP/gateway.log" 2>&1 &
GW_PID=$!
for _ in $(seq 300); do
    python3 -c "import smtplib,sys; smtplib.SMTP('127.0.0.1', $GW_PORT, timeout=5).quit()" 2>/dev/null && break
    kill -0 "$GW_PID" 2>/dev/null || { cat "$TMP/gateway.log" >&2; exit 1; }
    sleep 0.3
done

drained() { [ -z "$(find "$TMP/data/spool/incoming" "$TMP/data/spool/queue" -type f 2>/dev/null | head -1)" ]; }
wait_drained() {
    local deadline=$(( $(date +%s) + STEP_TIMEOUT ))
    until drained; do
        [ "$(date +%s)" -lt "$deadline" ] || { log "the gateway did not deliver everything in ${STEP_TIMEOUT}s"; return 1; }
        sleep 0.5
    done
}
send() { # FILE COUNT
    timeout "$STEP_TIMEOUT" python3 "$HERE/send.py" 127.0.0.1 "$GW_PORT" "$1" "$2" 600 >"$TMP/send.out" \
        || { log "not every message was accepted:"; sort "$TMP/send.out" | uniq -c >&2; return 1; }
}

log "warming up: 1 MiB messages, unsigned and signed-PDF, 5 at a time, 3 rounds"
for _ in 1 2 3; do
    send "$MSGS/unsigned-1m.eml" 5; send "$MSGS/signed-pdf-1m.eml" 5
done
wait_drained
sleep 5
WARM_RSS=$(status_kb "$GW_PID" VmRSS); WARM_HWM=$(status_kb "$GW_PID" VmHWM)
log "warmed up: VmRSS $(mb "$WARM_RSS") MiB, VmHWM $(mb "$WARM_HWM") MiB"

ROWS=()
step() { # LABEL FILE COUNT
    local before_rss before_hwm after_hwm cpu0 t0 t1
    before_rss=$(status_kb "$GW_PID" VmRSS); before_hwm=$(status_kb "$GW_PID" VmHWM); cpu0=$(cpu_s "$GW_PID")
    t0=$EPOCHREALTIME
    send "$2" "$3"
    wait_drained
    t1=$EPOCHREALTIME
    after_hwm=$(status_kb "$GW_PID" VmHWM)
    local reply; reply="$(grep -c '^250 ' "$TMP/send.out" || true) of $3 answered 250"
    ROWS+=("| $1 | $(mb "$before_rss") | $(mb "$before_hwm") | $(mb "$after_hwm") | $(awk -v a="$after_hwm" -v b="$before_hwm" 'BEGIN{printf "%+.1f", (a-b)/1024}') | $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.0f", b-a}') s | $(awk -v a="$(cpu_s "$GW_PID")" -v b="$cpu0" 'BEGIN{printf "%.1f", a-b}') s | $reply |")
    log "$1: VmHWM $(mb "$before_hwm") -> $(mb "$after_hwm") MiB"
    sleep 3
}
SIZE=$(stat -c %s "$MSGS/unsigned.eml")
step "one $(awk -v s="$SIZE" 'BEGIN{printf "%.1f", s/1e6}') MB message, unsigned" "$MSGS/unsigned.eml" 1
step "one, signed 36 MiB PDF" "$MSGS/signed-pdf.eml" 1
step "$CONCURRENT at once, unsigned" "$MSGS/unsigned.eml" "$CONCURRENT"
step "$CONCURRENT at once, signed PDF" "$MSGS/signed-pdf.eml" "$CONCURRENT"

echo "Warmed-up gateway: VmRSS $(mb "$WARM_RSS") MiB, VmHWM $(mb "$WARM_HWM") MiB (after 30 messages of 1 MiB)."
echo
echo "| step | VmRSS before (MiB) | VmHWM before (MiB) | VmHWM after (MiB) | peak growth (MiB) | wall | gateway CPU | accepted |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
