#!/usr/bin/env bash
# Two gateway nodes against one, behind the same HAProxy, on this machine.
#
#   smtp-source --> HAProxy frontend "one" (send-proxy-v2) --> node A                --> smtp-sink
#   smtp-source --> HAProxy frontend "two" (send-proxy-v2) --> node A, node B (RR)   --> smtp-sink
#
# Both nodes run the whole time (each its own data folder, spool fsync, audit on, shipped policy); only the
# frontend the load goes to changes, runs interleaved, median of --repeat. For each run:
#   rate = N / (time from smtp-source start until smtp-sink has counted N more messages)
#   CPU per message = user+system CPU of both gateways and HAProxy during the run / N
# Everything on 127.0.0.1, free ports; processes started here are stopped by the EXIT trap, by PID.
# Needs: haproxy, postfix (smtp-source, smtp-sink), root (smtp-sink -u nobody).
#
# Usage: bench/cluster/run.sh [--n N] [--sessions S] [--repeat R] [--no-build] [--out DIR] [--keep]
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
N=3000; SESSIONS=20; REPEAT=3; BUILD=1; OUT=/tmp/cluster-gw-out; KEEP=0; WARMUP=2000
INVOCATION="bench/cluster/run.sh $*"
while [ $# -gt 0 ]; do
    case "$1" in
        --n) N=$2; shift 2 ;;
        --sessions) SESSIONS=$2; shift 2 ;;
        --repeat) REPEAT=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --out) OUT=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n 2,15p "$0"; exit 0 ;;
        *) echo "run.sh: unknown option '$1' (--n, --sessions, --repeat, --warmup, --no-build, --out, --keep)" >&2; exit 2 ;;
    esac
done
for tool in haproxy /usr/sbin/smtp-source /usr/sbin/smtp-sink; do command -v "$tool" >/dev/null || { echo "run.sh: $tool missing" >&2; exit 1; }; done

TMP=$(mktemp -d /tmp/cluster-bench-XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [ "$KEEP" = 1 ] || rm -rf "$TMP"; }
trap cleanup EXIT
log() { echo "[$(date +%T)] $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.3; done; return 1; }

if [ "$BUILD" = 1 ]; then
    log "publishing the gateway (Release) to $OUT"
    dotnet publish "$REPO/src/Gateway" -c Release -o "$OUT" >"$TMP/publish.log" 2>&1 || { cat "$TMP/publish.log"; exit 1; }
fi

SINK_PORT=$(free_port)
/usr/sbin/smtp-sink -c -u nobody "127.0.0.1:$SINK_PORT" 256 >"$TMP/sink.out" 2>"$TMP/sink.err" & PIDS+=($!)
sink_count() {
    local last; last=$(tail -c 96 "$TMP/sink.out" 2>/dev/null | tr '\r' '\n' | grep -o 'mesg=[0-9]*' | tail -n 1 || true)
    echo "${last#mesg=}" | grep -E '^[0-9]+$' || echo 0
}

declare -A NODE_PORT NODE_PID
for node in a b; do
    NODE_PORT[$node]=$(free_port)
    mkdir -p "$TMP/data-$node"
    "$OUT/gateway" run --config "$REPO/config" --data "$TMP/data-$node" "--Node:Name=bench-$node" \
        "--Smtp:Listeners:Relay:Port=${NODE_PORT[$node]}" --Smtp:Listeners:Relay:ProxyProtocol=true \
        --Smtp:Listeners:Relay:TrustedProxies:0=127.0.0.1 \
        --Smtp:Listeners:Submission:Enabled=false --Smtp:Listeners:Smtps:Enabled=false --Console:Port=0 \
        --Delivery:Upstream:Host=127.0.0.1 "--Delivery:Upstream:Port=$SINK_PORT" --Delivery:Upstream:Security=None \
        --Smtp:MaxConnectionsPerIp=200 --Access:RateLimits:MessagesPerIp=0 --Access:RateLimits:RecipientsPerIp=0 \
        --Logging:LogLevel:Default=Warning >"$TMP/gateway-$node.log" 2>&1 &
    NODE_PID[$node]=$!; PIDS+=($!)
done
for node in a b; do wait_port "${NODE_PORT[$node]}" || { echo "node $node did not start:"; cat "$TMP/gateway-$node.log"; exit 1; }; done

ONE_PORT=$(free_port); TWO_PORT=$(free_port)
cat >"$TMP/haproxy.cfg" <<CFG
defaults
    mode tcp
    timeout connect 5s
    timeout client 5m
    timeout server 5m
    timeout check 5s
frontend one
    bind 127.0.0.1:$ONE_PORT
    default_backend one
frontend two
    bind 127.0.0.1:$TWO_PORT
    default_backend two
backend one
    option smtpchk EHLO bench.local
    server a 127.0.0.1:${NODE_PORT[a]} send-proxy-v2 check inter 2s
backend two
    balance roundrobin
    option smtpchk EHLO bench.local
    server a 127.0.0.1:${NODE_PORT[a]} send-proxy-v2 check inter 2s
    server b 127.0.0.1:${NODE_PORT[b]} send-proxy-v2 check inter 2s
CFG
haproxy -f "$TMP/haproxy.cfg" -db >"$TMP/haproxy.log" 2>&1 & HAPROXY_PID=$!; PIDS+=($!)
wait_port "$ONE_PORT" && wait_port "$TWO_PORT" || { cat "$TMP/haproxy.log"; exit 1; }

CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { local t=0 p; for p in "${NODE_PID[a]}" "${NODE_PID[b]}" "$HAPROXY_PID"; do t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat"))); done; echo $t; }

# send PORT COUNT -> prints "seconds cpu_seconds"
send() {
    local port=$1 count=$2 base t0 t1 c0 c1
    base=$(sink_count); c0=$(cpu_ticks); t0=$EPOCHREALTIME
    /usr/sbin/smtp-source -s "$SESSIONS" -m "$count" -l 10240 -M may-tram.stttt.hatinh.gov.vn -f vanthu@stttt.hatinh.gov.vn \
        -t lanhdao@ubnd.hatinh.gov.vn -S "Thong tin chung - do hieu nang" "127.0.0.1:$port" >"$TMP/source.out" 2>&1
    for _ in $(seq 6000); do [ "$(sink_count)" -ge $((base + count)) ] && break; sleep 0.1; done
    t1=$EPOCHREALTIME; c1=$(cpu_ticks)
    [ "$(sink_count)" -ge $((base + count)) ] || { echo "only $(( $(sink_count) - base )) of $count delivered" >&2; tail -3 "$TMP/source.out" >&2; exit 1; }
    awk -v a="$t0" -v b="$t1" -v c="$((c1 - c0))" -v k="$CLK_TCK" 'BEGIN { printf "%.3f %.3f\n", b-a, c/k }'
}

log "warm-up: $WARMUP messages through both nodes"
send "$TWO_PORT" "$WARMUP" >/dev/null
declare -a RATE_ONE RATE_TWO CPU_ONE CPU_TWO
for r in $(seq "$REPEAT"); do
    for target in one two; do
        sync; sleep 3
        port=$ONE_PORT; [ "$target" = two ] && port=$TWO_PORT
        read -r secs cpu < <(send "$port" "$N")
        rate=$(awk -v n="$N" -v s="$secs" 'BEGIN { printf "%.1f", n/s }')
        cpu_ms=$(awk -v n="$N" -v c="$cpu" 'BEGIN { printf "%.2f", c*1000/n }')
        log "run $r $target node(s): $N messages in ${secs}s = $rate msg/s, $cpu_ms ms CPU per message"
        if [ "$target" = one ]; then RATE_ONE+=("$rate"); CPU_ONE+=("$cpu_ms"); else RATE_TWO+=("$rate"); CPU_TWO+=("$cpu_ms"); fi
    done
done
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR]=$1 } END { print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2) }'; }
M1=$(median "${RATE_ONE[@]}"); M2=$(median "${RATE_TWO[@]}")
C1=$(median "${CPU_ONE[@]}"); C2=$(median "${CPU_TWO[@]}")
echo
echo "command: $INVOCATION"
echo "machine: $(nproc) cores, load average at end $(cut -d' ' -f1-3 /proc/loadavg); $SESSIONS sessions, 10 KB messages, N=$N, median of $REPEAT"
echo "| behind HAProxy | messages/s (runs) | CPU ms per message (gateways + HAProxy) |"
echo "|---|---|---|"
echo "| one node | $M1 (${RATE_ONE[*]}) | $C1 |"
echo "| two nodes | $M2 (${RATE_TWO[*]}) | $C2 |"
echo "two/one: $(awk -v a="$M2" -v b="$M1" 'BEGIN { printf "%.2f", a/b }')"
