#!/usr/bin/env bash
# A slow host, Keel against nginx in one run (docs/benchmarks.md, "A host turns slow"): three
# upstreams (bench/slow-host/upstream.mjs), closed-loop load (bench/slow-host/closed-loop.mjs),
# then one upstream answers SLOW_MS late. For each proxy it reports p99 and max with every host
# healthy, after the host turned slow, what the slow host added, and the upstream requests sent
# per client request (hedges and retries). Keel runs its defaults (hedging on); nginx what a
# careful operator sets (2 s read timeout, next upstream on timeout: bench/slow-host/nginx-proxy.conf).
# Loopback only, ports 18901-18911 and 18920. Stops every process it started, by PID.
#
# usage: npm run build && bash bench/slow-host.sh
#        DURATION=2 WARMUP=1 bash bench/slow-host.sh       # a few-second smoke pass
# knobs (env, defaults in brackets):
#   DURATION [20] seconds of each measured phase   WARMUP [10] seconds of load before measuring
#   CONNECTIONS [16] concurrent closed loops   SLOW_MS [3000]   ONLY [''] regex on "keel|nginx"
#   RUN_DIR [/tmp/keel-slow-host]   KEEL_MAIN [dist/src/cli/main.js]
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
DIR=$HERE/slow-host
RUN=${RUN_DIR:-/tmp/keel-slow-host}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-10}
CONNECTIONS=${CONNECTIONS:-16}
SLOW_MS=${SLOW_MS:-3000}
ONLY=${ONLY:-}
KEEL_MAIN=${KEEL_MAIN:-$ROOT/dist/src/cli/main.js}
UPSTREAMS=(18901 18902 18903)
PORTS=("${UPSTREAMS[@]}" 18910 18911 18920)

log() { echo "[slow-host $(date +%H:%M:%S)] $*" >&2; }
die() { log "FATAL: $*"; exit 1; }

declare -a STARTED=()
start() { # NAME cmd... ; sets LAST_PID
  local name=$1
  shift
  "$@" >"$RUN/$name.log" 2>&1 &
  LAST_PID=$!
  STARTED+=("$LAST_PID")
}
stop_all() {
  local pid k
  for pid in "${STARTED[@]}"; do
    kill -0 "$pid" 2>/dev/null || continue
    kill -TERM "$pid" 2>/dev/null
    for k in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
  done
  STARTED=()
}
trap stop_all EXIT
trap 'exit 130' INT TERM

wait_port() { # PORT PID
  local k
  for k in $(seq 150); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/" 2>/dev/null)" = 200 ] && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

slow() { curl -s "http://127.0.0.1:${UPSTREAMS[1]}/__slow?ms=$1" >/dev/null; }
served() { # total requests the upstreams served
  local p n=0
  for p in "${UPSTREAMS[@]}"; do n=$((n + $(curl -s "http://127.0.0.1:$p/__count"))); done
  echo "$n"
}
field() { node -e 'const o=JSON.parse(process.argv[1]); console.log(o[process.argv[2]])' "$1" "$2"; }
load() { node "$DIR/closed-loop.mjs" --url "http://127.0.0.1:$1/" --duration "$2" --connections "$CONNECTIONS"; }

measure() { # NAME PORT -> one table row
  local name=$1 port=$2 healthy slowed before after requests
  log "$name: warm-up ${WARMUP}s"
  load "$port" "$WARMUP" >/dev/null
  log "$name: every host healthy, ${DURATION}s"
  healthy=$(load "$port" "$DURATION")
  slow "$SLOW_MS"
  log "$name: ${UPSTREAMS[1]} answers ${SLOW_MS} ms late, ${DURATION}s"
  before=$(served)
  slowed=$(load "$port" "$DURATION")
  after=$(served)
  slow 0
  requests=$(field "$slowed" requests)
  node -e '
    const [name, h, s, up, n] = process.argv.slice(1);
    const H = JSON.parse(h), S = JSON.parse(s);
    const f = (x) => (Number.isFinite(x) ? x.toFixed(1) : "n/a");
    const extra = n > 0 ? ((100 * (up - n)) / n).toFixed(1) : "n/a";
    console.log(`| ${name} | ${f(H.p99)} | ${f(H.max)} | ${f(S.p99)} | ${f(S.max)} | ${f(S.p99 - H.p99)} | ${f(S.max - H.max)} | ${S.failed} of ${S.requests} | ${extra} % |`);
  ' "$name" "$healthy" "$slowed" "$((after - before))" "$requests"
}

mkdir -p "$RUN/slow-nginx-tmp"
for p in "${PORTS[@]}"; do
  curl -s -o /dev/null "http://127.0.0.1:$p/" 2>/dev/null && die "port $p is in use"
done
for i in 0 1 2; do
  start "upstream-$i" env PORT="${UPSTREAMS[$i]}" NAME="up$i" node "$DIR/upstream.mjs"
  wait_port "${UPSTREAMS[$i]}" "$LAST_PID" || die "upstream ${UPSTREAMS[$i]} did not start"
done

ROWS=()
if [ -z "$ONLY" ] || [[ keel =~ $ONLY ]]; then
  [ -f "$KEEL_MAIN" ] || die "$KEEL_MAIN is missing: npm run build first"
  start keel node "$KEEL_MAIN" run -c "$DIR/keel.yaml" --workers 1
  wait_port 18910 "$LAST_PID" || die "keel did not start (see $RUN/keel.log)"
  ROWS+=("$(measure keel 18910)")
fi
if [ -z "$ONLY" ] || [[ nginx =~ $ONLY ]]; then
  sed -e "s#__RUN__#$RUN#g" "$DIR/nginx-proxy.conf" >"$RUN/slow-nginx.conf"
  nginx -t -q -e "$RUN/slow-nginx.err" -c "$RUN/slow-nginx.conf" || die "nginx -t failed"
  start nginx nginx -e "$RUN/slow-nginx.err" -c "$RUN/slow-nginx.conf" -g 'daemon off;'
  wait_port 18920 "$LAST_PID" || die "nginx did not start"
  ROWS+=("$(measure nginx 18920)")
fi

echo
echo "A host turns slow (${SLOW_MS} ms): ${CONNECTIONS} closed loops, ${DURATION} s per phase, latencies in ms"
echo
echo "| proxy | healthy p99 | healthy max | slow p99 | slow max | p99 added | max added | failed | extra upstream requests |"
echo "| ----- | ----------- | ----------- | -------- | -------- | --------- | --------- | ------ | ----------------------- |"
for r in "${ROWS[@]}"; do echo "$r"; done
