#!/usr/bin/env bash
# TLS benchmark: Keel against nginx, the same certificate, the same upstream, in ONE run on this
# machine (docs/benchmarks.md, "TLS"). Two measures per target, with wrk over HTTPS/1.1:
#   - keep-alive requests/s: CONNS connections reused (the cost of TLS records on the path);
#   - new handshakes/s: every request on a new connection (Connection: close; wrk resumes no
#     session), so each one is a full TLS handshake (ECDHE + the certificate's signature).
# Both proxies forward to one nginx upstream answering 100 bytes over plain HTTP/1.1 keep-alive.
# Loopback only, ports 19001-19004; every process started is stopped by PID on exit.
#
# usage: npm run build && bash bench/tls.sh
#        DURATION=3s WARMUP=1s WARMUP_NODE=3s RUNS=1 bash bench/tls.sh     # quick smoke pass (~40 s)
# knobs (env, defaults in brackets):
#   RUNS [3]  DURATION [10s]  CONNS [64]  HS_CONNS [16]  THREADS [1]
#   WARMUP [3s] (nginx)  WARMUP_NODE [20s] (Keel: V8 JIT warm-up)
#   KEY [ec] ec = ECDSA P-256, rsa = RSA 2048 (a handshake costs far more with RSA)
#   SUT_CPUS [1] WRK_CPUS [0] (taskset)   RUN_DIR [/tmp/keel-bench-tls]
#   KEEL_MAIN [dist/src/cli/main.js]
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
RUN=${RUN_DIR:-/tmp/keel-bench-tls}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
HS_CONNS=${HS_CONNS:-16}
THREADS=${THREADS:-1}
WARMUP=${WARMUP:-3s}
WARMUP_NODE=${WARMUP_NODE:-20s}
KEY=${KEY:-ec}
SUT_CPUS=${SUT_CPUS:-1}
WRK_CPUS=${WRK_CPUS:-0}
KEEL_MAIN=${KEEL_MAIN:-$ROOT/dist/src/cli/main.js}
UP=19001 NGINX=19002 KEEL=19003 KEEL_ADMIN=19004
STAMP=$(date +%Y%m%d-%H%M%S)
OUT=$HERE/results/tls-$STAMP.md

log() { echo "[bench-tls $(date +%H:%M:%S)] $*" >&2; }
die() { log "FATAL: $*"; exit 1; }

for b in nginx wrk openssl node curl taskset; do command -v "$b" >/dev/null || die "$b missing"; done
[ -f "$KEEL_MAIN" ] || die "$KEEL_MAIN missing: run npm run build first"
if (($(nproc) < 2)); then SUT_CPUS=0 WRK_CPUS=0; fi
for p in $UP $NGINX $KEEL $KEEL_ADMIN; do
  (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && die "port $p is taken"
done
mkdir -p "$RUN" "$HERE/results"

declare -a STARTED=()
start() { # NAME CPUS cmd... : in the background; its PID is recorded (taskset execs the command)
  local name=$1 cpus=$2
  shift 2
  taskset -c "$cpus" "$@" >"$RUN/$name.log" 2>&1 &
  STARTED+=("$!")
}
stop_all() {
  local pid k
  for pid in "${STARTED[@]}"; do
    kill -TERM "$pid" 2>/dev/null || continue
    for k in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  STARTED=()
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- the certificate, shared
if [ "$KEY" = rsa ]; then keyopt=(-newkey rsa:2048); else keyopt=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); fi
openssl req -x509 "${keyopt[@]}" -nodes -keyout "$RUN/key.pem" -out "$RUN/cert.pem" -days 2 \
  -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null || die "openssl failed"

# ---------------------------------------------------------------- nginx: the upstream, and the TLS peer
BODY=$(printf 'x%.0s' $(seq 99))
nginx_conf() { # NAME SERVER-BLOCK -> a one-worker nginx config in RUN/NAME/nginx.conf
  mkdir -p "$RUN/$1"
  cat >"$RUN/$1/nginx.conf" <<EOF
worker_processes 1;
pid $RUN/$1/nginx.pid;
error_log $RUN/$1/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  upstream up { server 127.0.0.1:$UP; keepalive 64; }
  $2
}
EOF
}
nginx_conf upstream "server { listen 127.0.0.1:$UP; location / { return 200 \"$BODY\n\"; } }"
nginx_conf nginx-tls "server {
    listen 127.0.0.1:$NGINX ssl http2;
    ssl_certificate $RUN/cert.pem;
    ssl_certificate_key $RUN/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache off;
    ssl_session_tickets off;
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection \"\"; }
  }"
# The upstream runs beside wrk, so that the CPU under test is the proxies' own.
start upstream "$WRK_CPUS" nginx -p "$RUN/upstream" -c "$RUN/upstream/nginx.conf" -g 'daemon off;'
start nginx "$SUT_CPUS" nginx -p "$RUN/nginx-tls" -c "$RUN/nginx-tls/nginx.conf" -g 'daemon off;'

# ---------------------------------------------------------------- Keel, the same certificate
cat >"$RUN/keel.yaml" <<EOF
listeners:
  - { name: main, host: 127.0.0.1, port: $KEEL, tls: { cert: $RUN/cert.pem, key: $RUN/key.pem } }
admin: { host: 127.0.0.1, port: $KEEL_ADMIN }
pools:
  up: { hosts: ["http://127.0.0.1:$UP"] }
routes:
  - { name: all, pool: up }
telemetry: { access_log: { enabled: false } }
EOF
start keel "$SUT_CPUS" node "$KEEL_MAIN" run -c "$RUN/keel.yaml" --workers 1

wait_https() { # PORT -> 0 when it answers 200 over TLS
  local k
  for k in $(seq 150); do
    [ "$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$1/")" = 200 ] && return 0
    sleep 0.1
  done
  return 1
}
wait_https $NGINX || die "nginx does not answer on :$NGINX (see $RUN/nginx-tls/error.log)"
wait_https $KEEL || { tail -n 20 "$RUN/keel.log" >&2; die "keel does not answer on :$KEEL"; }
for p in $NGINX $KEEL; do
  [ "$(curl -sk --http2 -o /dev/null -w '%{http_version}' "https://127.0.0.1:$p/")" = 2 ] || die ":$p does not speak h2"
done

# ---------------------------------------------------------------- measuring
wrk_rps() { # URL CONNS DURATION [extra wrk args] -> requests/s (errors are reported on stderr)
  local url=$1 conns=$2 dur=$3 out
  shift 3
  out=$(taskset -c "$WRK_CPUS" wrk -t"$THREADS" -c"$conns" -d"$dur" "$@" "$url" 2>&1)
  grep -q 'Non-2xx\|Socket errors' <<<"$out" && log "wrk: $(grep 'Non-2xx\|Socket errors' <<<"$out" | tr -s ' ')"
  awk '/^Requests\/sec/ {print int($2)}' <<<"$out"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR + 1) / 2)] : 0)}'; }

declare -A KA=() HS=()
for target in nginx keel; do
  port=$([ $target = nginx ] && echo $NGINX || echo $KEEL)
  warm=$([ $target = nginx ] && echo "$WARMUP" || echo "$WARMUP_NODE")
  url="https://127.0.0.1:$port/"
  log "$target: warm-up $warm"
  wrk_rps "$url" "$CONNS" "$warm" >/dev/null
  ka=() hs=()
  for r in $(seq "$RUNS"); do
    ka+=("$(wrk_rps "$url" "$CONNS" "$DURATION")")
    hs+=("$(wrk_rps "$url" "$HS_CONNS" "$DURATION" -H 'Connection: close')")
    log "$target run $r: keep-alive ${ka[-1]} req/s, new handshakes ${hs[-1]}/s"
  done
  KA[$target]=$(printf '%s\n' "${ka[@]}" | median)
  HS[$target]=$(printf "%s\n" "${hs[@]}" | median)
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.2f" : "-"), a / b }'; }
{
  echo "# TLS: Keel vs nginx ($STAMP)"
  echo
  echo "One Keel worker and one nginx worker on CPU $SUT_CPUS, wrk on CPU $WRK_CPUS; the same $KEY certificate;"
  echo "HTTPS/1.1 from wrk, plain HTTP/1.1 keep-alive to one nginx upstream (100 B). Median of $RUNS runs of $DURATION."
  echo
  echo "| target | keep-alive req/s ($CONNS conns) | new TLS handshakes/s ($HS_CONNS conns) |"
  echo "| ------ | ------------------------------: | --------------------------------------: |"
  echo "| nginx  | ${KA[nginx]} | ${HS[nginx]} |"
  echo "| keel   | ${KA[keel]} | ${HS[keel]} |"
  echo "| keel / nginx | $(ratio "${KA[keel]}" "${KA[nginx]}") | $(ratio "${HS[keel]}" "${HS[nginx]}") |"
  echo
  echo "node $(node -v), $(nginx -v 2>&1 | sed 's/nginx version: //'), $(openssl version | cut -d' ' -f1-2), $(nproc) CPUs"
} | tee "$OUT"
log "written to $OUT"
