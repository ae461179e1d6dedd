#!/usr/bin/env bash
# Pipeline benchmark: the gateway against Postfix, same load, same sink, one run.
#
#   smtp-source --> gateway (default policy, spool fsync, audit on) --> smtp-sink
#   smtp-source --> Postfix (plain relay, default queue fsync)      --> smtp-sink
#
# Scenarios (sessions x message size, N messages): 10 x 10 KB, 50 x 10 KB, 10 x 1 MB.
# For each scenario and target it measures
#   end-to-end rate  = N / (time from smtp-source start until smtp-sink has counted N more messages)
#   submission rate  = N / (smtp-source elapsed time)
#   CPU per message  = the relay's user+system CPU during the run / N
# and, for the gateway, its peak resident memory (VmHWM; a fresh gateway process and data folder per
# run). With --repeat R each scenario runs R times, targets interleaved, and the median is reported.
# With --audit-off it also runs the gateway with --Audit:Enabled=false so audit cost can be compared.
# Results: the "Pipeline vs Postfix" section of bench/RESULTS.md and bench/pipeline/last-run.txt.
#
# Everything listens on 127.0.0.1, on free ports. Processes started here are stopped by the EXIT trap
# (by PID; Postfix with `postfix -c DIR stop`). Needs root (Postfix's master runs as root and drops
# to the postfix user) and the Debian postfix package (smtp-source, smtp-sink, postfix).
#
# Usage: bench/pipeline/run.sh [options]      (see --help)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
INV_ARGS=()
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)

# ---------------------------------------------------------------- options
TARGETS="postfix,gateway"
SCENARIOS="10x10k,50x10k,10x1m"
N_10K=20000
N_1M=1000
REPEAT=1
AUDIT_OFF=0
GW_REPO="$REPO"
GW_OUT=/tmp/gw-out
BUILD=1
REUSE_CONN=0
WRITE_RESULTS=1
NOTE=""
KEEP_TMP=0
SETTLE=35               # seconds of quiet before each run (see the comment at the run loop)
# Messages sent (and delivered) before each measured run, same load shape. Long enough in time for code that runs per
# audit batch (4 a second), not per message, to reach its optimized tier: after 2,000 messages (~2 s) the audit-on
# gateway still compiled 0.9-1.1 s worth of methods (dotnet.jit.compilation.time) inside the measured run, against
# 0.2 s with audit off; after 10,000 messages, 0.34-0.40 s against 0.14-0.20 s.
WARMUP_10K=10000
WARMUP_1M=300           # the same for 1 MB runs (~3 s)
SUBMIT_TIMEOUT=900      # seconds smtp-source may run
DRAIN_TIMEOUT=600       # seconds to wait, after submission ends, for the sink to count everything
GW_EXTRA_ARGS=()
# All load comes from 127.0.0.1. Postfix exempts $mynetworks from its per-client connection and
# rate limits; these give the gateway the same treatment of the load source. Content policy, spool
# fsync and audit stay at their defaults. --no-load-exemptions drops them.
GW_LOAD_EXEMPTIONS=(--Smtp:MaxConnectionsPerIp=200 --Access:RateLimits:MessagesPerIp=0 --Access:RateLimits:RecipientsPerIp=0)
SENDER=vanthu@stttt.hatinh.gov.vn
RECIPIENT=lanhdao@ubnd.hatinh.gov.vn
HELO_NAME=may-tram.stttt.hatinh.gov.vn
SUBJECT="Thong tin chung - do hieu nang"   # "general information": no document class, so no signature rule applies

usage() {
    cat <<EOF
Usage: $0 [options]
  --targets LIST        postfix,gateway (default: $TARGETS)
  --scenarios LIST      comma list of SESSIONSxSIZE, SIZE = 10k | 1m (default: $SCENARIOS)
  --n-10k N             messages per 10 KB scenario (default: $N_10K)
  --n-1m N              messages per 1 MB scenario (default: $N_1M)
  --repeat R            run every scenario R times (targets interleaved) and report the median (default: 1)
  --audit-off           also run the gateway with --Audit:Enabled=false and report the on/off ratio
  --gateway-repo DIR    repository whose src/Gateway and config/ are benchmarked (default: $REPO)
  --gateway-out DIR     publish directory (default: $GW_OUT)
  --no-build            use the gateway already published in --gateway-out
  --gateway-arg ARG     extra --Section:Key=value for the gateway (repeatable)
  --no-load-exemptions  keep the gateway's per-IP connection cap and rate limits for the load source
  --reuse               smtp-source -d: several messages per connection (default: one per connection)
  --no-results          do not rewrite the "Pipeline vs Postfix" section of bench/RESULTS.md
  --note TEXT           a line added under the results table
  --keep                keep the temporary directory (logs, spools) after the run
  --settle S            seconds to wait (after sync) before each run (default: $SETTLE)
  --warmup N10K N1M     messages sent before each measured run, per target, then drained (default: $WARMUP_10K $WARMUP_1M;
                        0 0 measures from a cold start, JIT and first-use costs included)
  --quick               smoke test: N=1000 (10 KB) and N=50 (1 MB), implies --no-results, --settle 1
EOF
}

while [ $# -gt 0 ]; do
    # Remember the arguments for the report's command line (the note is printed on its own).
    case "$1" in
        --note) ;;
        --targets|--scenarios|--n-10k|--n-1m|--repeat|--gateway-repo|--gateway-out|--gateway-arg|--settle) INV_ARGS+=("$1" "${2:-}") ;;
        *) INV_ARGS+=("$1") ;;
    esac
    case "$1" in
        --targets) TARGETS=$2; shift 2 ;;
        --scenarios) SCENARIOS=$2; shift 2 ;;
        --n-10k) N_10K=$2; shift 2 ;;
        --n-1m) N_1M=$2; shift 2 ;;
        --repeat) REPEAT=$2; shift 2 ;;
        --audit-off) AUDIT_OFF=1; shift ;;
        --gateway-repo) GW_REPO=$(cd "$2" && pwd); shift 2 ;;
        --gateway-out) GW_OUT=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --gateway-arg) GW_EXTRA_ARGS+=("$2"); shift 2 ;;
        --no-load-exemptions) GW_LOAD_EXEMPTIONS=(); shift ;;
        --reuse) REUSE_CONN=1; shift ;;
        --no-results) WRITE_RESULTS=0; shift ;;
        --note) NOTE=$2; shift 2 ;;
        --keep) KEEP_TMP=1; shift ;;
        --warmup) WARMUP_10K=$2; WARMUP_1M=$3; shift 3 ;;
        --quick) N_10K=1000; N_1M=50; WRITE_RESULTS=0; SETTLE=1; WARMUP_10K=100; WARMUP_1M=10; shift ;;
        --settle) SETTLE=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

INVOCATION="bench/pipeline/run.sh${INV_ARGS[*]:+ $(printf '%q ' "${INV_ARGS[@]}" | sed 's/ $//')}"

has_target() { [[ ",$TARGETS," == *",$1,"* ]]; }

die() { echo "run.sh: $*" >&2; exit 1; }
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

[ "$(id -u)" = 0 ] || die "must run as root (Postfix's master needs it; smtp-sink drops to nobody)"
for tool in /usr/sbin/smtp-source /usr/sbin/smtp-sink /usr/sbin/postfix /usr/sbin/postconf; do
    [ -x "$tool" ] || die "$tool not found: install the Debian postfix package"
done
id postfix >/dev/null 2>&1 || die "user 'postfix' missing (created by the postfix package)"
getent group postdrop >/dev/null || die "group 'postdrop' missing (created by the postfix package)"
[[ "$N_10K" =~ ^[1-9][0-9]*$ && "$N_1M" =~ ^[1-9][0-9]*$ && "$REPEAT" =~ ^[1-9][0-9]*$ ]] || die "--n-10k, --n-1m and --repeat need positive integers"

# ---------------------------------------------------------------- temp dir and cleanup
TMP=$(mktemp -d /tmp/pfbench.XXXXXX)
chmod 755 "$TMP"           # Postfix daemons (user postfix) must traverse it
SINK_PID=""
SRC_PID=""
GW_PID=""
PF_ETC=""
PF_STARTED=0
RUN_OK=0

stop_gateway() {
    if [ -n "$GW_PID" ] && kill -0 "$GW_PID" 2>/dev/null; then
        kill -TERM "$GW_PID" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$GW_PID" 2>/dev/null || true
        wait "$GW_PID" 2>/dev/null || true
    fi
    GW_PID=""
}

cleanup() {
    local rc=$?
    set +e
    [ -n "$SRC_PID" ] && kill -TERM "$SRC_PID" 2>/dev/null && wait "$SRC_PID" 2>/dev/null
    stop_gateway
    if [ "$PF_STARTED" = 1 ]; then
        postfix -c "$PF_ETC" stop >/dev/null 2>&1
        PF_STARTED=0
    fi
    if [ -n "$SINK_PID" ] && kill -0 "$SINK_PID" 2>/dev/null; then
        kill -TERM "$SINK_PID" 2>/dev/null
        wait "$SINK_PID" 2>/dev/null
    fi
    if [ "$KEEP_TMP" = 1 ] || [ "$RUN_OK" != 1 ]; then
        log "temporary files kept in $TMP"
    else
        rm -rf "$TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A port nothing listens on: bind port 0 and let the kernel choose.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

now() { echo "$EPOCHREALTIME"; }
# rate COUNT START END -> messages per second with one decimal
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { d=b-a; if (d<=0) print "n/a"; else printf "%.1f", n/d }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0<=0 || b+0<=0) print "n/a"; else printf "%.2f", a/b }'; }

# Wait until something on 127.0.0.1:PORT sends an SMTP greeting (220), at most SECONDS.
wait_smtp_ready() {
    local port=$1 seconds=$2 pid=${3:-} line
    local deadline=$(( $(date +%s) + seconds ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
        if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
            line=""
            read -r -t 5 line <&3 || true
            printf 'QUIT\r\n' >&3 2>/dev/null || true
            exec 3>&-
            [[ "$line" == 220* ]] && return 0
        fi
        sleep 0.2
    done
    return 1
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- the sink (shared by all targets)
SINK_PORT=$(free_port)
SINK_OUT="$TMP/sink.out"
/usr/sbin/smtp-sink -c -u nobody "127.0.0.1:$SINK_PORT" 256 >"$SINK_OUT" 2>"$TMP/sink.err" &
SINK_PID=$!
wait_smtp_ready "$SINK_PORT" 10 "$SINK_PID" || die "smtp-sink did not start: $(cat "$TMP/sink.err")"
log "smtp-sink on 127.0.0.1:$SINK_PORT (pid $SINK_PID)"

# smtp-sink -c rewrites "sess=.. quit=.. mesg=N" after each message, separated by CR; the last
# complete mesg= value is the number of messages received so far.
sink_count() {
    local last
    last=$(tail -c 96 "$SINK_OUT" 2>/dev/null | tr '\r' '\n' | grep -o 'mesg=[0-9]*' | tail -n 1 || true)
    echo "${last#mesg=}" | grep -E '^[0-9]+$' || echo 0
}

# ---------------------------------------------------------------- Postfix as a plain relay
start_postfix() {
    local root="$TMP/postfix" port
    port=$(free_port)
    PF_ETC="$root/etc"
    mkdir -p "$PF_ETC" "$root/queue" "$root/data"
    chown postfix "$root/data"
    PF_PORT=$port
    PF_LOG="$root/postfix.log"
    cat >"$PF_ETC/main.cf" <<EOF
# Postfix as a plain relay for the pipeline benchmark; everything else is Postfix's default
# (queue files are fsynced before the 250 reply, as in production).
compatibility_level = 3.6
myhostname = bench.local
mydomain = bench.local
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
queue_directory = $root/queue
data_directory = $root/data
mail_owner = postfix
setgid_group = postdrop
relayhost = [127.0.0.1]:$SINK_PORT
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
default_process_limit = 100
smtp_destination_concurrency_limit = 50
relay_destination_concurrency_limit = 50
default_destination_concurrency_limit = 50
alias_maps =
alias_database =
local_recipient_maps =
smtputf8_enable = no
maillog_file = $PF_LOG
maillog_file_prefixes = $TMP
EOF
    # Only the services a relay needs; no chroot (5th column n) so no files must be copied into the queue.
    cat >"$PF_ETC/master.cf" <<EOF
127.0.0.1:$port inet n - n - - smtpd
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
    # Postfix writes errors to syslog (absent here) or to a terminal; the log file catches the rest.
    postfix -c "$PF_ETC" check >"$root/check.out" 2>&1 || die "postfix check failed: $(cat "$root/check.out"; tail -5 "$PF_LOG" 2>/dev/null)"
    postfix -c "$PF_ETC" start >"$root/start.out" 2>&1 || die "postfix start failed: $(cat "$root/start.out"; tail -5 "$PF_LOG" 2>/dev/null)"
    PF_STARTED=1
    wait_smtp_ready "$port" 30 || die "Postfix does not answer on 127.0.0.1:$port: $(tail -5 "$PF_LOG" 2>/dev/null)"
    PF_VERSION=$(postconf -c "$PF_ETC" -h mail_version)
    log "Postfix $PF_VERSION relaying 127.0.0.1:$port -> sink"
}

postfix_queue_empty() {
    postqueue -c "$PF_ETC" -p 2>/dev/null | grep -q 'Mail queue is empty'
}

# ---------------------------------------------------------------- the gateway
GW_STATUS="not run"
GW_SRC_DESC="not built"

build_gateway() {
    if [ "$BUILD" = 0 ]; then
        [ -x "$GW_OUT/gateway" ] || { GW_STATUS="no published gateway in $GW_OUT"; return 1; }
        GW_SRC_DESC="prebuilt $GW_OUT"
        return 0
    fi
    # Publish from a snapshot of the source tree so this build never shares bin/obj with someone
    # else's build in the same checkout.
    local snap="$TMP/gwsrc"
    mkdir -p "$snap"
    tar -C "$GW_REPO" --exclude=./.git --exclude='bin' --exclude='obj' --exclude=./bench -cf - . | tar -C "$snap" -xf -
    local commit dirty=""
    commit=$(git -C "$GW_REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
    [ -n "$(git -C "$GW_REPO" status --porcelain -- src config 2>/dev/null)" ] && dirty=" + uncommitted changes"
    GW_SRC_DESC="$GW_REPO at $commit$dirty"
    log "publishing the gateway from $GW_SRC_DESC"
    rm -rf "$GW_OUT"
    if ! dotnet publish "$snap/src/Gateway" -c Release -o "$GW_OUT" -nologo >"$TMP/publish.log" 2>&1; then
        GW_STATUS="build failed ($(grep -m1 -E 'error' "$TMP/publish.log" | sed "s/ \[.*//; s#$snap/##" | tr '|' '/' | cut -c1-200))"
        log "gateway: $GW_STATUS"
        return 1
    fi
    [ -d "$snap/config" ] || { GW_STATUS="no config/ directory in $GW_REPO"; return 1; }
    return 0
}

GW_CONFIG=""
# start_gateway AUDIT(on|off) -> sets GW_PID, GW_PORT, GW_DATA
start_gateway() {
    local audit=$1
    GW_PORT=$(free_port)
    GW_DATA="$TMP/gwdata-$audit-$RANDOM"
    mkdir -p "$GW_DATA"
    local args=(run --config "$GW_CONFIG" --data "$GW_DATA"
        "--Smtp:Listeners:Relay:Port=$GW_PORT"
        --Smtp:Listeners:Submission:Enabled=false --Console:Port=0
        --Smtp:Listeners:Smtps:Enabled=false
        --Delivery:Upstream:Host=127.0.0.1
        "--Delivery:Upstream:Port=$SINK_PORT"
        --Delivery:Upstream:Security=None
        --Logging:LogLevel:Default=Warning)
    [ "$audit" = off ] && args+=(--Audit:Enabled=false)
    args+=("${GW_LOAD_EXEMPTIONS[@]}" "${GW_EXTRA_ARGS[@]}")
    GW_CMD="$GW_OUT/gateway ${args[*]}"
    "$GW_OUT/gateway" "${args[@]}" >"$GW_DATA.log" 2>&1 &
    GW_PID=$!
    if ! wait_smtp_ready "$GW_PORT" 90 "$GW_PID"; then
        GW_START_ERROR="did not start ($(tail -c 300 "$GW_DATA.log" | tr '\n' ' ' | tr '|' '/'))"
        log "gateway: $GW_START_ERROR"
        stop_gateway
        return 1
    fi
    return 0
}

# ---------------------------------------------------------------- CPU accounting
CLK_TCK=$(getconf CLK_TCK)
# CPU ticks (user+system) used so far by the target. Postfix: the master with its reaped children
# (cutime/cstime) plus the live children, so short-lived smtpd/cleanup/smtp processes are counted.
cpu_ticks() {
    local pids
    if [ "$1" = postfix ]; then
        local master
        master=$(tr -d ' ' <"$TMP/postfix/queue/pid/master.pid" 2>/dev/null) || { echo 0; return; }
        pids=$(pgrep -P "$master" | tr '\n' ' ' || true)
        { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$master/stat"
          for p in $pids; do awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null; done
        } | awk '{ t += $1 } END { print t + 0 }'
    else
        awk '{ print $14 + $15 }' "/proc/$GW_PID/stat" 2>/dev/null || echo 0
    fi
}

# ---------------------------------------------------------------- warm-up
# warm_up TARGET PORT SESSIONS SIZE COUNT: the same load, unmeasured, until the sink has counted it all, so the
# measured run sees a relay in steady state (the gateway's JIT has compiled and tiered its hot paths, its audit log
# is not empty, Postfix has its processes running). Every target gets the same warm-up.
warm_up() {
    local target=$1 port=$2 sessions=$3 size=$4 count=$5
    [ "$count" -gt 0 ] || return 0
    local base; base=$(sink_count)
    timeout --kill-after=5 "$SUBMIT_TIMEOUT" /usr/sbin/smtp-source -s "$sessions" -m "$count" -l "$size" -M "$HELO_NAME" \
        -f "$SENDER" -t "$RECIPIENT" -S "$SUBJECT" "127.0.0.1:$port" >"$TMP/warmup-$target.out" 2>&1 \
        || log "warning: warm-up of $target: $(tail -n 1 "$TMP/warmup-$target.out")"
    for _ in $(seq 1200); do [ "$(sink_count)" -ge $((base + count)) ] && break; sleep 0.1; done
    [ "$target" = postfix ] && for _ in $(seq 300); do postfix_queue_empty && break; sleep 0.1; done
    log "$target warmed up with $count messages"
}

# ---------------------------------------------------------------- one measured run
# measure TARGET PORT SESSIONS SIZE COUNT KEY -> RES[KEY]="e2e|submission|delivered|seconds|status"
# Runs in the main shell (no command substitution) and waits on smtp-source in the background, so
# an interrupt reaches the EXIT trap at once instead of after the load finishes.
measure() {
    local target=$1 port=$2 sessions=$3 size=$4 count=$5 key=$6
    local base t0 t_sub t_end got rc=0 status=ok
    local src_args=(-s "$sessions" -m "$count" -l "$size" -M "$HELO_NAME" -f "$SENDER" -t "$RECIPIENT" -S "$SUBJECT")
    [ "$REUSE_CONN" = 1 ] && src_args+=(-d)
    sync                                    # start every run with clean page cache write-back
    sleep 2                                 # let TIME_WAIT and delivery agents from the last run settle
    base=$(sink_count)
    local cpu0; cpu0=$(cpu_ticks "$target")
    t0=$(now)
    timeout --kill-after=5 "$SUBMIT_TIMEOUT" /usr/sbin/smtp-source "${src_args[@]}" "127.0.0.1:$port" \
        >"$TMP/source-$target-$sessions-$size.out" 2>&1 &
    SRC_PID=$!
    wait "$SRC_PID" || rc=$?
    SRC_PID=""
    t_sub=$(now)
    if [ "$rc" != 0 ]; then
        status="smtp-source rc=$rc: $(tail -n 1 "$TMP/source-$target-$sessions-$size.out" | tr '|' '/' | cut -c1-160)"
        # Keep the relay's own account of the failure: the temporary folder goes away at exit.
        if [ "$target" != postfix ] && [ -f "$GW_DATA.log" ]; then
            cp "$GW_DATA.log" "$SCRIPT_DIR/failed-$target-$sessions-$size.log"
            log "gateway log kept in bench/pipeline/failed-$target-$sessions-$size.log"
        fi
    fi
    # Wait for the sink to count everything that was submitted.
    local target_count=$((base + count))
    local deadline
    deadline=$(awk -v t="$t_sub" -v d="$DRAIN_TIMEOUT" 'BEGIN { printf "%d", t + d }')
    got=$(sink_count)
    while [ "$got" -lt "$target_count" ]; do
        if [ "$rc" != 0 ] || [ "$(date +%s)" -ge "$deadline" ]; then break; fi
        if [ "$target" != postfix ] && [ -n "$GW_PID" ] && ! kill -0 "$GW_PID" 2>/dev/null; then
            status="gateway exited during the run"; break
        fi
        sleep 0.1
        got=$(sink_count)
    done
    t_end=$(now)
    local cpu1; cpu1=$(cpu_ticks "$target")
    local cpu_ms
    cpu_ms=$(awk -v a="$cpu0" -v b="$cpu1" -v hz="$CLK_TCK" -v n="$count" 'BEGIN { printf "%.2f", (b-a)*1000/hz/n }')
    local delivered=$((got - base))
    if [ "$status" = ok ] && [ "$delivered" -lt "$count" ]; then
        status="timeout: $delivered of $count delivered ${DRAIN_TIMEOUT}s after submission ended"
    fi
    local e2e="n/a"
    [ "$status" = ok ] && e2e=$(rate "$count" "$t0" "$t_end")
    local sub="n/a"
    [ "$rc" = 0 ] && sub=$(rate "$count" "$t0" "$t_sub")
    local secs
    secs=$(awk -v a="$t0" -v b="$t_end" 'BEGIN { printf "%.1f", b-a }')
    log "$target ${sessions}x$(human_size "$size") N=$count: end-to-end $e2e msg/s, submission $sub msg/s, ${secs}s, delivered $delivered, CPU $cpu_ms ms/msg, $status"
    RES[$key]="$e2e|$sub|$delivered|$secs|$status|$cpu_ms"
}

field() { echo "$1" | cut -d'|' -f"$2"; }
human_size() { if [ "$1" -ge 1048576 ]; then echo "$(( $1 / 1048576 )) MB"; else echo "$(( $1 / 1024 )) KB"; fi; }

# Policy probe: a sender outside *.gov.vn must be refused, or the gateway is not checking.
probe_policy() {
    local port=$1 out
    out=$(timeout 30 /usr/sbin/smtp-source -s 1 -m 1 -l 1024 -M "$HELO_NAME" -f nguoila@gmail.com -t "$RECIPIENT" \
        -S probe "127.0.0.1:$port" 2>&1) && { echo "NOT refused"; return; }
    echo "refused ($(echo "$out" | tail -n 1 | sed 's/.*: //' | cut -c1-120))"
}

# ---------------------------------------------------------------- main
declare -A RES        # RES[target,scenario] = e2e|sub|delivered|secs|status (median run)
declare -A RUNS       # RUNS[target,scenario,rep] = the same for each repetition
declare -A FAILS      # FAILS[target,scenario] = failed repetitions
declare -A PEAK       # PEAK[target,scenario] = highest VmHWM over the repetitions, kB
declare -A AUDITKB    # AUDITKB[target,scenario] = size of DATA/audit after the run, kB
SCEN_LIST=()
IFS=',' read -r -a SCEN_LIST <<<"$SCENARIOS"
for s in "${SCEN_LIST[@]}"; do
    [[ "$s" =~ ^[1-9][0-9]*x(10k|1m)$ ]] || die "bad scenario '$s' (want e.g. 10x10k or 10x1m)"
done

scenario_size() { case "${1#*x}" in 10k) echo 10240 ;; 1m) echo 1048576 ;; esac; }
scenario_count() { case "${1#*x}" in 10k) echo "$N_10K" ;; 1m) echo "$N_1M" ;; esac; }

GW_TARGETS=()
if has_target gateway; then
    GW_TARGETS+=(gateway)
    [ "$AUDIT_OFF" = 1 ] && GW_TARGETS+=(gateway-audit-off)
    if build_gateway; then
        GW_CONFIG="$TMP/gwsrc/config"
        [ "$BUILD" = 0 ] && GW_CONFIG="$GW_REPO/config"
        GW_STATUS="ok"
    fi
fi
PF_VERSION="not run"
has_target postfix && start_postfix

# median_of KEY_PREFIX: RES[KEY_PREFIX] = the repetition with the median end-to-end rate among the
# successful ones (its submission rate comes along), or the first failure if none succeeded;
# FAILS[KEY_PREFIX] lists the failed repetitions.
median_of() {
    local key=$1 r lines="" first_fail="" fails=""
    for r in $(seq "$REPEAT"); do
        local rec=${RUNS[$key,$r]:-}
        [ -z "$rec" ] && continue
        if [ "$(field "$rec" 5)" = ok ]; then
            lines+="$(field "$rec" 1) $r"$'\n'
        else
            [ -z "$first_fail" ] && first_fail=$rec
            fails+="run $r: $(field "$rec" 5); "
        fi
    done
    FAILS[$key]=$fails
    if [ -n "$lines" ]; then
        local n mid pick
        n=$(printf '%s' "$lines" | grep -c .)
        mid=$(( (n + 1) / 2 ))
        pick=$(printf '%s' "$lines" | sort -n -k1,1 | sed -n "${mid}p" | cut -d' ' -f2)
        RES[$key]=${RUNS[$key,$pick]}
    else
        RES[$key]=${first_fail:-"n/a|n/a|0|0|not run|n/a"}
    fi
}

for s in "${SCEN_LIST[@]}"; do
    sessions=${s%x*}; size=$(scenario_size "$s"); count=$(scenario_count "$s")
    # Repetitions interleave the targets so slow drifts in machine load hit all of them alike, and each
    # repetition starts with a different target: whoever runs right after another relay inherits its disk
    # writeback (20,000 queue files created and deleted), so no target always goes second.
    ORDER=()
    has_target postfix && ORDER+=(postfix)
    ORDER+=("${GW_TARGETS[@]}")
    for rep in $(seq "$REPEAT"); do
        for i in $(seq 0 $((${#ORDER[@]} - 1))); do
            t=${ORDER[$(( (i + rep - 1) % ${#ORDER[@]} ))]}
            # Quiet before each run. A run creates and deletes 20,000 queue files; for 30 s afterwards ext4's
            # inode allocator skips the recently freed inodes (fs/ext4/ialloc.c, recently_deleted), which made
            # every file creation of the *next* target cost more CPU: whoever ran second was up to 40% slower.
            # The warm-up comes before the quiet, which also gives the gateway's tiered JIT time to finish.
            warm=$WARMUP_10K; [ "$size" -ge 1048576 ] && warm=$WARMUP_1M
            if [ "$t" = postfix ]; then
                warm_up postfix "$PF_PORT" "$sessions" "$size" "$warm"
                sync; sleep "$SETTLE"
                measure postfix "$PF_PORT" "$sessions" "$size" "$count" "postfix,$s,$rep"
                RUNS[postfix,$s,$rep]=${RES[postfix,$s,$rep]}
                for _ in $(seq 300); do postfix_queue_empty && break; sleep 0.1; done
                postfix_queue_empty || log "warning: Postfix queue not empty after $s"
                continue
            fi
            if [ "$GW_STATUS" != ok ]; then RUNS[$t,$s,$rep]="n/a|n/a|0|0|$GW_STATUS|n/a"; continue; fi
            audit=on; [ "$t" = gateway-audit-off ] && audit=off
            # A fresh gateway per run so VmHWM is this scenario's peak.
            if ! start_gateway "$audit"; then RUNS[$t,$s,$rep]="n/a|n/a|0|0|$GW_START_ERROR|n/a"; continue; fi
            [ -z "${POLICY_PROBE:-}" ] && POLICY_PROBE=$(probe_policy "$GW_PORT")
            warm_up "$t" "$GW_PORT" "$sessions" "$size" "$warm"
            sync; sleep "$SETTLE"
            measure "$t" "$GW_PORT" "$sessions" "$size" "$count" "$t,$s,$rep"
            RUNS[$t,$s,$rep]=${RES[$t,$s,$rep]}
            peak=$(awk '/^VmHWM:/ { print $2 }' "/proc/$GW_PID/status" 2>/dev/null || echo "")
            [ -n "$peak" ] && [ "${peak:-0}" -gt "${PEAK[$t,$s]:-0}" ] && PEAK[$t,$s]=$peak
            AUDITKB[$t,$s]=$( { du -sk "$GW_DATA/audit" 2>/dev/null || echo 0; } | awk '{ print $1; exit }')
            stop_gateway
        done
    done
    for t in postfix "${GW_TARGETS[@]}"; do
        [ "$t" = postfix ] && ! has_target postfix && continue
        median_of "$t,$s"
    done
done

# ---------------------------------------------------------------- report
mb() { [ -n "$1" ] && awk -v k="$1" 'BEGIN { if (k < 1024) printf "%d kB", k; else printf "%.0f MB", k/1024 }' || echo "n/a"; }

MACHINE="$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ { printf "%.1f GB", $2/1048576 }' /proc/meminfo) RAM, Linux $(uname -r)"
STAMP=$(date -u '+%Y-%m-%d %H:%M UTC')
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
CONN_MODE="new connection per message"
[ "$REUSE_CONN" = 1 ] && CONN_MODE="connections reused (-d)"

# paired_ratios SCENARIO: audit on/off of each repetition in which both succeeded (the two runs of a repetition are
# minutes apart, so a drift of the machine's speed over the whole bench cancels out), then their median.
paired_ratios() {
    local s=$1 r list="" values=""
    for r in $(seq "$REPEAT"); do
        local on=${RUNS[gateway,$s,$r]:-} off=${RUNS[gateway-audit-off,$s,$r]:-}
        [ "$(field "$on" 5)" = ok ] && [ "$(field "$off" 5)" = ok ] || continue
        local q; q=$(ratio "$(field "$on" 1)" "$(field "$off" 1)")
        list+="${list:+, }$q"; values+="$q"$'\n'
    done
    [ -z "$values" ] && { echo "n/a"; return; }
    local n mid; n=$(printf '%s' "$values" | grep -c .); mid=$(( (n + 1) / 2 ))
    echo "$list ($(printf '%s' "$values" | sort -n | sed -n "${mid}p"))"
}

table() {
    echo "| scenario | N | Postfix end-to-end msg/s | Postfix submission msg/s | gateway end-to-end msg/s | gateway submission msg/s | ratio gateway/Postfix (end-to-end) | gateway peak RSS | gateway audit data | CPU ms/msg Postfix / gateway |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    for s in "${SCEN_LIST[@]}"; do
        local p=${RES[postfix,$s]:-"n/a|n/a|0|0|not run|n/a"} g=${RES[gateway,$s]:-"n/a|n/a|0|0|not run|n/a"}
        echo "| $(echo "${s%x*}") sessions × $(human_size "$(scenario_size "$s")") | $(scenario_count "$s") | $(field "$p" 1) | $(field "$p" 2) | $(field "$g" 1) | $(field "$g" 2) | $(ratio "$(field "$g" 1)" "$(field "$p" 1)") | $(mb "${PEAK[gateway,$s]:-}") | $(mb "${AUDITKB[gateway,$s]:-}") | $(field "$p" 6) / $(field "$g" 6) |"
    done
    if [ "$AUDIT_OFF" = 1 ]; then
        echo
        echo "| scenario | gateway audit on msg/s | gateway audit off msg/s | on/off | on/off within each repetition (median) | audit data written (on / off) | CPU ms/msg (on / off) | audit-off peak RSS |"
        echo "|---|---|---|---|---|---|---|---|"
        for s in "${SCEN_LIST[@]}"; do
            local g=${RES[gateway,$s]:-"n/a"} o=${RES[gateway-audit-off,$s]:-"n/a"}
            echo "| $(echo "${s%x*}") sessions × $(human_size "$(scenario_size "$s")") | $(field "$g" 1) | $(field "$o" 1) | $(ratio "$(field "$g" 1)" "$(field "$o" 1)") | $(paired_ratios "$s") | $(mb "${AUDITKB[gateway,$s]:-}") / $(mb "${AUDITKB[gateway-audit-off,$s]:-}") | $(field "$g" 6) / $(field "$o" 6) | $(mb "${PEAK[gateway-audit-off,$s]:-}") |"
        done
    fi
}

problems() {
    for s in "${SCEN_LIST[@]}"; do
        for t in postfix "${GW_TARGETS[@]}"; do
            [ -n "${FAILS[$t,$s]:-}" ] && echo "- $t, $s: ${FAILS[$t,$s]}"
        done
        # Audit "off" that still writes the audit folder means the gateway ignored the setting.
        if [ "${AUDITKB[gateway-audit-off,$s]:-0}" -gt 0 ]; then
            echo "- gateway-audit-off, $s: the audit folder still grew to ${AUDITKB[gateway-audit-off,$s]} kB: this gateway build does not honour --Audit:Enabled=false, so the on/off figures compare two audited runs"
        fi
    done
    return 0
}

REPORT=$(cat <<EOF
## Pipeline vs Postfix

Run: $STAMP, \`$INVOCATION\`.
Machine: $MACHINE; load average (1/5/15 min) $LOAD_START at start, $LOAD_END at end. Load generator, relay and sink share these CPUs over loopback with whatever else runs; compare the ratios within one run, not absolute rates across runs.

$(table)

- Each rate is the median of $REPEAT run(s) per target, targets interleaved and rotated so each goes first once; before every measured run each target gets the same unmeasured warm-up ($WARMUP_10K messages of 10 KB or $WARMUP_1M of 1 MB, same sessions, drained at the sink), then \`sync\` and a $SETTLE s pause (ext4 skips inodes freed in the last 30 s, which taxes file creation right after another relay's run); peak RSS is the highest of those runs. CPU ms/msg is the relay's user+system CPU over the run divided by N (Postfix: master, its reaped children and live children; gateway: its process): steadier than rates when the machine is busy.
$( [ "$AUDIT_OFF" = 1 ] && echo "- Audit on/off: \"on/off\" divides the two medians; \"within each repetition\" divides the audit-on and audit-off rates of each repetition (runs minutes apart, so a drift of the machine's speed over the bench cancels out) and gives their median." )
- Load: \`smtp-source -s SESSIONS -m N -l SIZE -M $HELO_NAME -f $SENDER -t $RECIPIENT -S '$SUBJECT' 127.0.0.1:PORT\` ($CONN_MODE; header From is the -f address).
- Sink: \`smtp-sink -c -u nobody 127.0.0.1:SINKPORT 256\`, one sink for all runs; end-to-end time ends when its message counter has grown by N.
- Postfix $PF_VERSION: plain relay (\`relayhost = [127.0.0.1]:SINKPORT\`, \`mynetworks = 127.0.0.0/8\`, process limit 100, destination concurrency 50, no chroot, default queue fsync).
- Gateway ($GW_SRC_DESC): \`gateway run --config config --data DIR --Smtp:Listeners:Relay:Port=P --Smtp:Listeners:Submission:Enabled=false --Smtp:Listeners:Smtps:Enabled=false --Delivery:Upstream:Host=127.0.0.1 --Delivery:Upstream:Port=SINKPORT --Delivery:Upstream:Security=None --Logging:LogLevel:Default=Warning${GW_LOAD_EXEMPTIONS[*]:+ ${GW_LOAD_EXEMPTIONS[*]}}${GW_EXTRA_ARGS[*]:+ ${GW_EXTRA_ARGS[*]}}\`$( [ "$AUDIT_OFF" = 1 ] && echo " (audit-off runs add \`--Audit:Enabled=false\`)"); the per-IP settings give the single load address the exemption Postfix gives \`mynetworks\`; default policy, spool and audit settings from config/; a fresh process and data folder per scenario; peak RSS is VmHWM.
- Gateway status: $GW_STATUS. Policy probe (sender nguoila@gmail.com): ${POLICY_PROBE:-not run}.
- Target: ratio ≥ 1.00 in every scenario.
$( [ -n "$NOTE" ] && echo "- Note: $NOTE")
$(p=$(problems); [ -n "$p" ] && printf 'Problems in this run:\n%s\n' "$p")
EOF
)

{
    echo "$REPORT"
    echo
    echo "Raw results (target,scenario,repetition = end-to-end msg/s|submission msg/s|delivered|seconds|status|CPU ms/msg):"
    for s in "${SCEN_LIST[@]}"; do
        for t in postfix "${GW_TARGETS[@]}"; do
            for r in $(seq "$REPEAT"); do
                [ -n "${RUNS[$t,$s,$r]:-}" ] && echo "$t,$s,$r = ${RUNS[$t,$s,$r]}"
            done
            [ -n "${PEAK[$t,$s]:-}" ] && echo "$t,$s peak VmHWM ${PEAK[$t,$s]} kB, audit folder ${AUDITKB[$t,$s]:-0} kB"
        done
    done
    echo "Gateway command: ${GW_CMD:-not started}"
} >"$SCRIPT_DIR/last-run.txt"

if [ "$WRITE_RESULTS" = 1 ]; then
    RESULTS="$REPO/bench/RESULTS.md"
    [ -f "$RESULTS" ] || printf '# Benchmark results\n\n' >"$RESULTS"
    # Replace our section (from its heading to the next "## " heading) and leave the others alone.
    REPORT="$REPORT" awk '
        BEGIN { report = ENVIRON["REPORT"] }
        /^## Pipeline vs Postfix[[:space:]]*$/ { skipping = 1; if (!done) { print report; print ""; done = 1 }; next }
        skipping && /^## / { skipping = 0 }
        !skipping { print; last = $0 }
        END { if (!done) { if (last != "") print ""; print report } }
    ' "$RESULTS" >"$RESULTS.tmp" && mv "$RESULTS.tmp" "$RESULTS"
    log "wrote the Pipeline vs Postfix section of $RESULTS"
fi
echo "$REPORT"
RUN_OK=1
