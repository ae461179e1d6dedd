#!/usr/bin/env bash
# Two gateways under the same load at the same time, for comparing two builds or two settings when the machine's
# speed drifts between runs (on the shared 2-core box the same configuration ran anywhere from 840 to 1,670 msg/s
# across minutes). Both see the same noise, so the ratio of their CPU per message is steadier than the ratio of two
# sequential runs. It is not the pipeline benchmark: each gateway gets about half the machine.
#
#   smtp-source --> gateway A --\
#                                >--> smtp-sink (one for both)
#   smtp-source --> gateway B --/
#
# Usage: bench/pipeline/pair.sh [--n N] [--sessions S] [--size BYTES] [--warmup N]
#                               [--a-bin DIR] [--b-bin DIR] [--a-arg ARG]... [--b-arg ARG]...
#   --a-bin/--b-bin  folders holding a published `gateway` (default /tmp/gw-out for both; publish with
#                    `dotnet publish src/Gateway -c Release -o DIR`)
#   --a-arg/--b-arg  extra --Section:Key=value for one side, e.g. --b-arg --Audit:Enabled=false
# Prints each side's rate, CPU ms per message (during its own load, and including 2 s of tail work such as the audit
# writer catching up) and the B/A ratios. Listens on 127.0.0.1 only; everything started here is stopped on exit.
# Needs Postfix's smtp-source and smtp-sink (Debian package postfix).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
N=10000; SESSIONS=50; SIZE=10240; WARMUP=2000
A_BIN=/tmp/gw-out; B_BIN=/tmp/gw-out
A_ARGS=(); B_ARGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --n) N=$2; shift 2 ;;
        --sessions) SESSIONS=$2; shift 2 ;;
        --size) SIZE=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --a-bin) A_BIN=$2; shift 2 ;;
        --b-bin) B_BIN=$2; shift 2 ;;
        --a-arg) A_ARGS+=("$2"); shift 2 ;;
        --b-arg) B_ARGS+=("$2"); shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
for f in /usr/sbin/smtp-source /usr/sbin/smtp-sink "$A_BIN/gateway" "$B_BIN/gateway"; do
    [ -x "$f" ] || { echo "missing $f" >&2; exit 2; }
done

TMP=$(mktemp -d /tmp/gw-pair.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; echo "nothing listens on $1" >&2; exit 1; }

SINK_PORT=$(free_port)
/usr/sbin/smtp-sink -c -u nobody "127.0.0.1:$SINK_PORT" 512 > "$TMP/sink.out" 2>&1 &
PIDS+=($!)

start_gateway() { # name bin port args...
    local name=$1 bin=$2 port=$3; shift 3
    mkdir -p "$TMP/$name"
    "$bin/gateway" run --config "$REPO/config" --data "$TMP/$name" \
        --Smtp:Listeners:Relay:Port="$port" --Smtp:Listeners:Submission:Enabled=false --Smtp:Listeners:Smtps:Enabled=false --Console:Port=0 \
        --Delivery:Upstream:Host=127.0.0.1 --Delivery:Upstream:Port="$SINK_PORT" --Delivery:Upstream:Security=None \
        --Logging:LogLevel:Default=Warning --Smtp:MaxConnectionsPerIp=200 \
        --Access:RateLimits:MessagesPerIp=0 --Access:RateLimits:RecipientsPerIp=0 "$@" > "$TMP/$name.log" 2>&1 &
    echo $!
}
A_PORT=$(free_port); A_PID=$(start_gateway a "$A_BIN" "$A_PORT" "${A_ARGS[@]}"); PIDS+=("$A_PID")
B_PORT=$(free_port); B_PID=$(start_gateway b "$B_BIN" "$B_PORT" "${B_ARGS[@]}"); PIDS+=("$B_PID")
wait_port "$A_PORT"; wait_port "$B_PORT"

load() { # port count
    /usr/sbin/smtp-source -s "$SESSIONS" -m "$2" -l "$SIZE" -M may-tram.stttt.hatinh.gov.vn -f vanthu@stttt.hatinh.gov.vn \
        -t lanhdao@ubnd.hatinh.gov.vn -S 'Thong tin chung - do hieu nang' "127.0.0.1:$1"
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

if [ "$WARMUP" -gt 0 ]; then
    load "$A_PORT" "$WARMUP" & w1=$!; load "$B_PORT" "$WARMUP" & w2=$!; wait $w1 $w2; sleep 3
fi

a0=$(cpu_ticks "$A_PID"); b0=$(cpu_ticks "$B_PID"); t0=$(date +%s.%N)
( load "$A_PORT" "$N"; echo "$(date +%s.%N) $(cpu_ticks "$A_PID")" > "$TMP/a.end" ) & l1=$!
( load "$B_PORT" "$N"; echo "$(date +%s.%N) $(cpu_ticks "$B_PID")" > "$TMP/b.end" ) & l2=$!
wait $l1 $l2
sleep 2
read -r ta a1 < "$TMP/a.end"; read -r tb b1 < "$TMP/b.end"
a2=$(cpu_ticks "$A_PID"); b2=$(cpu_ticks "$B_PID")
hz=$(getconf CLK_TCK)
python3 - "$N" "$hz" "$t0" "$ta" "$tb" "$a0" "$a1" "$a2" "$b0" "$b1" "$b2" <<'PY'
import sys
n, hz, t0, ta, tb, a0, a1, a2, b0, b1, b2 = (float(x) for x in sys.argv[1:])
ms = lambda ticks: ticks * 1000 / hz / n
ca, ca2, cb, cb2 = ms(a1 - a0), ms(a2 - a0), ms(b1 - b0), ms(b2 - b0)
ra, rb = n / (ta - t0), n / (tb - t0)
print(f"A: {ra:.0f} msg/s, CPU {ca:.3f} ms/msg ({ca2:.3f} with tail) | B: {rb:.0f} msg/s, CPU {cb:.3f} ms/msg ({cb2:.3f} with tail) | B/A: CPU {cb2 / ca2:.3f}, rate {rb / ra:.3f}")
PY
