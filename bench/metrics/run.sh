#!/usr/bin/env bash
# Cost of the operations endpoints (issue 18 §4) on the Release gateway, loopback only:
#   1. /metrics scrape time against /healthz in the same run (curl's time_total, SCRAPES each, median and p99),
#      with an empty data folder and with HELD files each in spool/corrupt and quarantine (the queue census lists them);
#   2. SMTP throughput with smtp-source (MESSAGES messages, 10 sessions) without and with a scrape every second (Prometheus scrapes every 15-60 s).
# Prints markdown rows; the figures go to bench/RESULTS.md by hand ("Metrics and health").
# Everything it starts listens on 127.0.0.1 on free ports and is stopped by PID on exit.
# Usage: bench/metrics/run.sh [--no-build] [--scrapes N] [--held N] [--messages N]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${GW_OUT:-/tmp/gw-metrics-out}
BUILD=1 SCRAPES=200 HELD=10000 MESSAGES=3000
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) BUILD=0; shift ;;
        --scrapes) SCRAPES=$2; shift 2 ;;
        --held) HELD=$2; shift 2 ;;
        --messages) MESSAGES=$2; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
done
[ "$BUILD" = 1 ] && dotnet publish "$ROOT/src/Gateway" -c Release -o "$OUT" >/dev/null
WORK=$(mktemp -d /tmp/gw-metrics-bench.XXXXXX)
cp -r "$ROOT/config" "$WORK/config"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
RELAY=$(free_port); WEB=$(free_port)
GW_PID=""
cleanup() { [ -n "$GW_PID" ] && kill "$GW_PID" 2>/dev/null && wait "$GW_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
"$OUT/gateway" run --config "$WORK/config" --data "$WORK/data" --Smtp:HostName=bench.test.gov.vn \
    --Smtp:Listeners:Relay:Port="$RELAY" --Smtp:Listeners:Submission:Enabled=false --Smtp:Listeners:Smtps:Enabled=false \
    --Console:Port="$WEB" --Logging:LogLevel:Default=Warning \
    --Smtp:MaxConnectionsPerIp=200 --Access:RateLimits:MessagesPerIp=0 --Access:RateLimits:RecipientsPerIp=0 >"$WORK/gateway.log" 2>&1 &
GW_PID=$!
for _ in $(seq 150); do curl -skf -o /dev/null "https://127.0.0.1:$WEB/healthz" && break; sleep 0.2; done
curl -skf -o /dev/null "https://127.0.0.1:$WEB/healthz" || { echo "run.sh: the gateway did not start:" >&2; cat "$WORK/gateway.log" >&2; exit 1; }

# Times SCRAPES requests of a path over one curl process (kept-alive connection); prints "median p99" in ms.
times() {
    local urls=()
    for _ in $(seq "$SCRAPES"); do urls+=(-o /dev/null "https://127.0.0.1:$WEB$1"); done
    curl -sk -w '%{http_code} %{time_total}\n' "${urls[@]}" | awk '$1 != 200 { print "run.sh: HTTP " $1 > "/dev/stderr"; exit 1 } { print $2 }' | sort -n | awk '{a[NR]=$1*1000} END {printf "%.2f %.2f\n", a[int(NR/2)+1], a[int(NR*0.99)]}'
}
row() {
    read -r hm hp < <(times /healthz)
    read -r mm mp < <(times /metrics)
    local bytes; bytes=$(curl -sk "https://127.0.0.1:$WEB/metrics" | wc -c)
    printf '| %s | %s | %s | %s | %s | %.1f× | %s |\n' "$1" "$hm" "$hp" "$mm" "$mp" "$(echo "$mm / $hm" | bc -l)" "$bytes"
}
echo "| data folder | /healthz median ms | /healthz p99 ms | /metrics median ms | /metrics p99 ms | /metrics ÷ /healthz (median) | page bytes |"
echo "|---|---|---|---|---|---|---|"
row "empty"
mkdir -p "$WORK/data/spool/corrupt" "$WORK/data/quarantine"
python3 - "$WORK/data" "$HELD" <<'PY'
import os, sys, time
data, n = sys.argv[1], int(sys.argv[2])
alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
def qid(i):
    ms, s = int(time.time() * 1000), ""
    for _ in range(10): s = alphabet[ms & 31] + s; ms >>= 5
    t = ""
    for _ in range(8): t = alphabet[i & 31] + t; i >>= 5
    return s + t
for i in range(n):
    open(os.path.join(data, "spool/corrupt", qid(i) + ".msg"), "w").close()
    open(os.path.join(data, "quarantine", qid(i) + ".json"), "w").close()
PY
row "$HELD damaged + $HELD quarantined"

if command -v smtp-source >/dev/null; then
    rate() {
        local start end
        start=$(date +%s.%N)
        smtp-source -s 10 -m "$MESSAGES" -l 10240 -f bench@example.com -t lanhdao@ubnd.hatinh.gov.vn "127.0.0.1:$RELAY" 2>"$WORK/smtp-source.err"
        end=$(date +%s.%N)
        grep -q "rejected\|fatal" "$WORK/smtp-source.err" && { cat "$WORK/smtp-source.err" >&2; exit 1; }
        echo "$MESSAGES / ($end - $start)" | bc -l
    }
    rate >/dev/null   # warm-up
    # Without, with, without: the ratio is against the mean of the two runs around it.
    before=$(rate)
    ( while :; do curl -sk -o /dev/null "https://127.0.0.1:$WEB/metrics"; sleep 1; done ) &
    SCRAPER=$!
    with=$(rate)
    kill "$SCRAPER"; wait "$SCRAPER" 2>/dev/null || true
    after=$(rate)
    echo
    echo "| smtp-source, $MESSAGES × 10 KB, 10 sessions | msg/s |"
    echo "|---|---|"
    printf '| no scraping (before) | %.0f |\n| /metrics every 1 s | %.0f |\n| no scraping (after) | %.0f |\n| with ÷ mean without | %.2f |\n' \
        "$before" "$with" "$after" "$(echo "2 * $with / ($before + $after)" | bc -l)"
fi
