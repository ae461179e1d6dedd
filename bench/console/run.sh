#!/usr/bin/env bash
# The web console's figures (issue 18 §6), from the repository root, as root (smtp-sink drops to nobody):
#   bench/console/run.sh [RECORDS] [MESSAGES]
# 1. fills a fresh data folder's audit log with RECORDS (default 1,000,000) records over the last 365 days;
# 2. starts the published gateway on it (console on a free port) and times the console's searches and dashboard;
# 3. sends MESSAGES (default 2,000) 10 KB messages with smtp-source (20 sessions) through the gateway to smtp-sink,
#    without and then with a signed-in browser-like client loading the dashboard every 3 s, twice each, alternating.
set -euo pipefail
cd "$(dirname "$0")/../.."
RECORDS=${1:-1000000}
MESSAGES=${2:-2000}
WORK=$(mktemp -d /tmp/console-bench.XXXXXX)
dotnet publish -c Release src/Gateway -o "$WORK/gw" >/dev/null
dotnet build -c Release bench/console >/dev/null
BENCH="dotnet bench/console/bin/Release/net10.0/ConsoleBench.dll"
$BENCH generate --dir "$WORK/data" --records "$RECORDS" --days 365 | tee "$WORK/generate.log"
DETAIL=$(sed -n 's/^middle record.s queue id: //p' "$WORK/generate.log")
"$WORK/gw/gateway" users add bench@test.gov.vn --role auditor --role admin --password bench-secret-123 --config config --data "$WORK/data" 2>/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SINK=$(free_port); SMTP=$(free_port); WEB=$(free_port)
/usr/sbin/smtp-sink -c "127.0.0.1:$SINK" 1000 >"$WORK/sink.log" 2>&1 & SINK_PID=$!
"$WORK/gw/gateway" run --config config --data "$WORK/data" --Console:Port="$WEB" --Smtp:Listeners:Relay:Port="$SMTP" \
  --Smtp:Listeners:Submission:Enabled=false --Smtp:Listeners:Smtps:Enabled=false --Delivery:Upstream:Host=127.0.0.1 \
  --Delivery:Upstream:Port="$SINK" --Delivery:Upstream:Security=None --Logging:LogLevel:Default=Warning \
  --Smtp:MaxConnectionsPerIp=200 --Access:RateLimits:MessagesPerIp=0 --Access:RateLimits:RecipientsPerIp=0 >"$WORK/gw.log" 2>&1 & GW_PID=$!
trap 'kill $GW_PID $SINK_PID 2>/dev/null || true' EXIT
for _ in $(seq 60); do (echo >"/dev/tcp/127.0.0.1/$WEB") 2>/dev/null && break; sleep 1; done
URL="https://127.0.0.1:$WEB"
$BENCH measure --url "$URL" --user bench@test.gov.vn --password bench-secret-123 --detail "$DETAIL" --repeat "${REPEAT:-10}"

run() { # $1 = label; prints messages/s of smtp-source
  local start end
  start=$(date +%s.%N)
  /usr/sbin/smtp-source -s 20 -m "$MESSAGES" -l 10240 -f vanthu@stttt.hatinh.gov.vn -t lanhdao@ubnd.hatinh.gov.vn "127.0.0.1:$SMTP"
  end=$(date +%s.%N)
  echo "$1: $MESSAGES messages in $(echo "$end - $start" | bc) s = $(echo "$MESSAGES / ($end - $start)" | bc) msg/s (load $(cut -d' ' -f1 /proc/loadavg))"
}
for round in 1 2; do
  run "without console load (round $round)"
  $BENCH refresh --url "$URL" --user bench@test.gov.vn --password bench-secret-123 --every 3 >"$WORK/refresh-$round.log" & REFRESH=$!
  sleep 1
  run "dashboard every 3 s (round $round)"
  kill $REFRESH
  echo "dashboard loads during round $round (ms): $(sed -n 's/^refresh [0-9]*: \([0-9]*\) ms/\1/p' "$WORK/refresh-$round.log" | sort -n | tr '\n' ' ')"
done
echo "work folder: $WORK"
