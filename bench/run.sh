#!/usr/bin/env bash
# Macro benchmark: Keel against the direct upstream and the peer proxies of
# ../shared/bench (nginx, HAProxy, fastify + @fastify/http-proxy, a bare undici
# stream proxy), in ONE run on this machine, following the method of
# ../shared/bench/RESULTS.md so the figures are comparable. Loopback only,
# ports 18000-18999. Stops every process it started, by PID.
#
# usage: npm run bench            (= npm run build && bash bench/run.sh)
#        RUNS=1 DURATION=3s WARMUP_NODE=5s RATE_DURATION=3 bash bench/run.sh   # quick smoke pass
#        bash bench/cache.sh        (= PHASES='cache cache-smp' bash bench/run.sh: only the cache-hit phases)
# knobs (env, defaults in brackets) — see bench/README.md:
#   RUNS [3]  DURATION [10s]  CONNS [64]  THREADS [1]      closed loop: wrk -tTHREADS -cCONNS -dDURATION
#   WARMUP [3s] (nginx/haproxy)  WARMUP_NODE [30s] (Node targets incl. Keel: V8 JIT warm-up)
#   RATE [auto]  RATE_DURATION [10]  RATE_WARMUP [2]  RATE_RUNS [=RUNS]   open loop (bench/open-loop.mjs);
#        RATE=auto offers half the lowest closed-loop median of the open-loop targets in this run
#        (so no target queues: on a slow box a fixed 4000/s exceeded fastify's capacity), or a number
#   OPEN_LOOP [1]  OPEN_LOOP_TARGETS ["direct-nginx nginx fastify-http-proxy undici-stream keel"]
#   PHASES ["pinned"] (add "smp" for the whole-box phase, "soak" for the long open loop)   WRK_CPUS [0]  SUT_CPUS [1]
#   SOAK_RATE [1500]  SOAK_DURATION [180]  SOAK_RUNS [1]  SOAK_TARGETS ["nginx undici-stream keel"]
#        the soak phase: only the open loop, minutes long, for the tail (p99.9, max) that a 10 s run misses
#   CACHE [1] run the cache-hit phase "cache" after PHASES, and "cache-smp" (2 workers each) when
#        PHASES has "smp" (0 skips both; PHASES=cache or PHASES=cache-smp runs only that one)
#   KEEL_CACHE_CONFIG [bench/keel-cache-bench.yaml]   CACHE_DIR [RUN_DIR/nginx-cache-store, on tmpfs]
#   ONLY [''] regex on target names   INSTALL [1]   RUN_DIR [/tmp/keel-bench]
#   MICRO [0] run MICRO_DIR/*.js first [dist/bench/micro]   KEEL_PROF [0] write V8 CPU profiles of Keel
#   KEEL_NODE_FLAGS [''] node flags for Keel (e.g. --trace-gc: the log is RUN_DIR/keel.log)
#   TIMELINE [0] keep each open-loop run's per-request timeline in RUN_DIR/timeline-TARGET-RUN.txt
#   QUIET_MAX [15] QUIET_WAIT [10]  before each run wait up to QUIET_WAIT s while other processes use > QUIET_MAX % CPU
#   NICE [0]  run every benchmark process at this nice level (e.g. -10 on a shared box; needs root)
#   PEERS_DIR [../shared/bench]   KEEL_CONFIG [bench/keel-bench.yaml]   KEEL_MAIN [dist/src/cli/main.js]
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PEERS=$(cd "${PEERS_DIR:-$ROOT/../shared/bench}" 2>/dev/null && pwd) || { echo "peers dir not found" >&2; exit 1; }
CONF=$PEERS/peers-conf # read-only templates
RUN=${RUN_DIR:-/tmp/keel-bench}
NODEDIR=$RUN/peers-node # a copy: /work/shared is read-only, npm ci needs to write
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
WARMUP_NODE=${WARMUP_NODE:-30s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-1}
RATE=${RATE:-auto}
RATE_SPEC=$RATE # 'auto' or the number asked for; RATE becomes the number used
RATE_DURATION=${RATE_DURATION:-10}
RATE_WARMUP=${RATE_WARMUP:-2}
RATE_RUNS=${RATE_RUNS:-$RUNS}
OPEN_LOOP=${OPEN_LOOP:-1}
OPEN_LOOP_TARGETS=${OPEN_LOOP_TARGETS:-"direct-nginx nginx fastify-http-proxy undici-stream keel"}
PHASES=${PHASES:-pinned}
CACHE=${CACHE:-1}
WRK_CPUS=${WRK_CPUS:-0}
SUT_CPUS=${SUT_CPUS:-1}
INSTALL=${INSTALL:-1}
ONLY=${ONLY:-}
MICRO=${MICRO:-0}
MICRO_DIR=${MICRO_DIR:-$ROOT/dist/bench/micro}
KEEL_PROF=${KEEL_PROF:-0}
read -ra KEEL_NODE_FLAGS <<<"${KEEL_NODE_FLAGS:-}"
TIMELINE=${TIMELINE:-0}
NICE=${NICE:-0}
QUIET_MAX=${QUIET_MAX:-15}
QUIET_WAIT=${QUIET_WAIT:-10}
NICE_CMD=()
[ "$NICE" = 0 ] || NICE_CMD=(nice -n "$NICE")
KEEL_MAIN=${KEEL_MAIN:-$ROOT/dist/src/cli/main.js}
KEEL_CONFIG=${KEEL_CONFIG:-$HERE/keel-bench.yaml}
KEEL_CACHE_CONFIG=${KEEL_CACHE_CONFIG:-$HERE/keel-cache-bench.yaml}
CACHE_DIR=${CACHE_DIR:-$RUN/nginx-cache-store}
CACHE_FAILED= # set when keel-cache could not be measured although the build supports the cache
RESULTS=$RUN/results.tsv
OPENLOOP=$RUN/openloop.tsv
STAMP=$(date +%Y%m%d-%H%M%S)
OUTDIR=$HERE/results
PORTS=(18001 18002 18003 18100 18200 18400 18510 18511 18700 18701 18710 18711 18800 18810 18820 18821 18830)

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }
die() { log "FATAL: $*"; exit 1; }

# ---------------------------------------------------------------- install
install_deps() {
  local need=()
  command -v nginx >/dev/null || need+=(nginx)
  command -v haproxy >/dev/null || need+=(haproxy)
  command -v wrk >/dev/null || need+=(wrk)
  command -v taskset >/dev/null || need+=(util-linux)
  command -v curl >/dev/null || need+=(curl)
  if ((${#need[@]})); then
    log "apt-get install ${need[*]}"
    # Debian's postinst may try to start system nginx/haproxy (:80); we never use them.
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" >"$RUN/apt.log" 2>&1 ||
      { apt-get update >>"$RUN/apt.log" 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" >>"$RUN/apt.log" 2>&1; } ||
      die "apt-get install failed, see $RUN/apt.log"
  fi
}

copy_peers_node() { # copy the peer Node proxies and install their locked deps (once per lock file)
  mkdir -p "$NODEDIR"
  cp "$PEERS/peers-node/"*.js "$PEERS/peers-node/package.json" "$PEERS/peers-node/package-lock.json" "$NODEDIR/"
  chmod u+w "$NODEDIR"/*
  if ! cmp -s "$NODEDIR/package-lock.json" "$NODEDIR/.installed-lock" || [ ! -d "$NODEDIR/node_modules" ]; then
    [ "$INSTALL" = 1 ] || die "peer node_modules missing in $NODEDIR (run with INSTALL=1)"
    log "npm ci in $NODEDIR"
    (cd "$NODEDIR" && npm ci --no-audit --no-fund >"$RUN/npm.log" 2>&1) || die "npm ci failed, see $RUN/npm.log"
    cp "$NODEDIR/package-lock.json" "$NODEDIR/.installed-lock"
  fi
}

# ---------------------------------------------------------------- processes
declare -a STARTED=() # every PID we started
declare -A TPID=()    # target name -> PID serving it
declare -A TPORT=()   # target name -> port
declare -a TARGETS=() # targets of the current phase, in order
UP_PID=
LAST_PID=

pin() { # CPUS cmd... : run in the foreground on those cores, at NICE priority when NICE is set
  local cpus=$1
  shift
  taskset -c "$cpus" "${NICE_CMD[@]}" "$@"
}

start() { # NAME CPUS cmd... ; sets LAST_PID (no subshell, so STARTED is kept)
  local name=$1 cpus=$2
  shift 2
  # A plain command (not a function) in the background: bash execs it, so $! is the server's
  # own PID (taskset and nice exec too) and TERM reaches it, not a wrapper subshell.
  taskset -c "$cpus" "${NICE_CMD[@]}" "$@" >"$RUN/$name.log" 2>&1 &
  LAST_PID=$!
  STARTED+=("$LAST_PID")
}

descendants() { # PID -> PID and all its descendants
  local p=$1 c
  echo "$p"
  for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do descendants "$c"; done
}

stop_pid() { # TERM, wait up to 5 s, then KILL; then any descendant left behind (cluster workers)
  local pid=$1 k tree p
  kill -0 "$pid" 2>/dev/null || return 0
  tree=$(descendants "$pid")
  kill -TERM "$pid" 2>/dev/null
  for k in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "PID $pid did not exit on TERM, sending KILL"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null || true
  for p in $tree; do
    [ "$p" = "$pid" ] && continue
    kill -0 "$p" 2>/dev/null && { log "child PID $p of $pid still running, sending KILL"; kill -KILL "$p" 2>/dev/null; }
  done
  return 0
}

stop_all() {
  local pid
  for pid in "${STARTED[@]}"; do stop_pid "$pid"; done
  STARTED=()
  TPID=()
  TPORT=()
  TARGETS=()
  UP_PID=
}
trap 'stop_all; cleanup_cache_dir' EXIT
trap 'exit 130' INT TERM

selected() { [ -z "$ONLY" ] || [[ $1 =~ $ONLY ]]; }

add_target() { # NAME PORT PID
  selected "$1" || return 0
  TARGETS+=("$1")
  TPORT[$1]=$2
  TPID[$1]=$3
}

render() { # TEMPLATE OUT WORKERS
  sed -e "s#__RUN__#$RUN#g" -e "s#__WORKERS__#$3#g" -e "s#__CACHE_DIR__#$CACHE_DIR#g" "$1" >"$2"
}

start_nginx() { # NAME CONF_TEMPLATE WORKERS CPUS
  local name=$1 tmpl=$2 workers=$3 cpus=$4
  mkdir -p "$RUN/$name-tmp"
  render "$tmpl" "$RUN/$name.conf" "$workers"
  nginx -t -q -e "$RUN/$name.err" -c "$RUN/$name.conf" || die "nginx -t failed for $name"
  start "$name" "$cpus" nginx -e "$RUN/$name.err" -c "$RUN/$name.conf" -g 'daemon off;'
}

start_haproxy() { # WORKERS CPUS
  render "$CONF/haproxy.cfg" "$RUN/haproxy.cfg" "$1"
  haproxy -c -q -f "$RUN/haproxy.cfg" || die "haproxy -c failed"
  start haproxy "$2" haproxy -db -f "$RUN/haproxy.cfg"
}

start_node() { # NAME CPUS PORT [ENV=VAL...] -- script args
  local name=$1 cpus=$2 port=$3
  shift 3
  local envs=()
  while [ "$1" != "--" ]; do
    envs+=("$1")
    shift
  done
  shift
  start "$name" "$cpus" env PORT="$port" "${envs[@]}" node "$NODEDIR/$1" "${@:2}"
}

keel_available() { [ -f "$KEEL_MAIN" ]; }

start_keel() { # NAME CPUS WORKERS PORT ADMIN_PORT [CONFIG]: ports 18700/18701 of CONFIG are rewritten
  local name=$1 cpus=$2 workers=$3 port=$4 admin=$5 config=${6:-$KEEL_CONFIG} prof=()
  sed -e "s/port: 18700/port: $port/" -e "s/port: 18701/port: $admin/" "$config" >"$RUN/$name.yaml"
  if [ "$KEEL_PROF" = 1 ]; then
    rm -rf "$RUN/$name-prof"
    prof=(--cpu-prof "--cpu-prof-dir=$RUN/$name-prof")
  fi
  start "$name" "$cpus" node "${KEEL_NODE_FLAGS[@]}" "${prof[@]}" "$KEEL_MAIN" run -c "$RUN/$name.yaml" --workers "$workers"
}

# ---------------------------------------------------------------- checks
wait_port() { # PORT [PID] [SECONDS] -> 0 when it answers HTTP 200 (gives up after SECONDS [15] or when PID exits)
  local port=$1 pid=${2:-} k
  for k in $(seq $((${3:-15} * 10))); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" 2>/dev/null)" = 200 ] && return 0
    [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && return 1
    sleep 0.1
  done
  return 1
}

check_target() { # NAME -> verifies status and body length, logs the upstream spread of 6 requests
  local name=$1 port=${TPORT[$1]} url k out code len spread
  url="http://127.0.0.1:$port/"
  if ! wait_port "$port" "${TPID[$name]}"; then
    log "$name on :$port does not answer; last lines of $RUN/$name.log:"
    tail -n 20 "$RUN/$name.log" >&2 2>/dev/null
    die "$name did not start"
  fi
  local urls=()
  for k in 1 2 3 4 5 6; do urls+=("$url"); done
  out=$(curl -s "${urls[@]}")
  code=$(curl -s -o /dev/null -w '%{http_code}' "$url")
  len=$(curl -s "$url" | wc -c)
  [ "$code" = 200 ] || die "$name: HTTP $code"
  [ "$len" = 100 ] || die "$name: body is $len bytes, expected 100"
  spread=$(grep -o 'upstream [a-z]* [0-9]*' <<<"$out" | awk '{print $3}' | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}')
  log "check $name :$port -> 200, 100 B, upstream spread over 6 reqs: $spread"
}

# ---------------------------------------------------------------- measuring
cpu_snapshot() { # "busy0 total0 steal0 busy1 total1 steal1" from /proc/stat
  awk '/^cpu[01] /{t=0; for(i=2;i<=NF;i++) t+=$i; idle=$5+$6; printf "%d %d %d ", t-idle, t, $9}' /proc/stat
}

tree_ticks() { # PID -> utime+stime ticks of the process tree
  local p s=0 v
  [ -n "$1" ] || { echo 0; return; }
  for p in $(descendants "$1"); do
    v=$(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null) && s=$((s + v))
  done
  echo "$s"
}

to_ms() { # wrk latency string -> ms
  awk -v v="$1" 'BEGIN{
    if (v ~ /us$/) { sub(/us$/,"",v); printf "%.3f", v/1000 }
    else if (v ~ /ms$/) { sub(/ms$/,"",v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/,"",v); printf "%.3f", v*1000 }
    else print "nan" }'
}

dur_s() { awk -v v="$1" 'BEGIN{ if (v ~ /m$/) {sub(/m$/,"",v); print v*60} else {sub(/s$/,"",v); print v} }'; }

# "Others" = CPU used by processes that are not ours: all user+nice+system time of the box minus
# the time of every process tree we started and of this shell's reaped children (wrk, the
# open-loop generator, ps/awk). Sampling other PIDs instead would miss the short-lived ones
# (a test run, a compiler), which are exactly what makes a shared box noisy.
box_ticks() { awk '/^cpu /{print $2+$3+$4; exit}' /proc/stat; }

ours_ticks() { # -> OURS (a global: `times` must run in this shell, not in a $( ) subshell)
  local p n=0
  for p in "${STARTED[@]}"; do n=$((n + $(tree_ticks "$p"))); done
  times >"$RUN/times.txt" # this shell and its reaped children: "0m1.234s 0m0.567s" x 2 lines
  OURS=$((n + $(awk -v h="$(getconf CLK_TCK)" '{for (i=1;i<=NF;i++) {split($i,a,/[ms]/); t+=a[1]*60+a[2]}}
    END{printf "%.0f", t*h}' "$RUN/times.txt")))
}

O_BOX= O_OURS= O_T=
others_begin() {
  ours_ticks
  O_OURS=$OURS
  O_BOX=$(box_ticks)
  O_T=$(date +%s.%N)
}
others_end() { # -> OTHERS: % of one core used by others since others_begin
  local box t
  box=$(box_ticks)
  t=$(date +%s.%N)
  ours_ticks
  OTHERS=$(awk -v a=$((box - O_BOX - (OURS - O_OURS))) -v h="$(getconf CLK_TCK)" -v s0="$O_T" -v s1="$t" \
    'BEGIN{v=100*a/h/(s1-s0); printf "%.0f", v < 0 ? 0 : v}')
}

others_pct() { # SECONDS -> OTHERS over that time
  others_begin
  sleep "$1"
  others_end
}

pause_until_quiet() { # the 1 s pause between runs; on a shared box wait (up to QUIET_WAIT s) for others to calm down
  local waited=0
  others_pct 1
  while ((OTHERS > QUIET_MAX && waited < QUIET_WAIT)); do
    ((waited == 0)) && log "other processes use $OTHERS% CPU; waiting up to ${QUIET_WAIT}s for them to calm down"
    others_pct 1
    waited=$((waited + 1))
  done
  ((OTHERS > QUIET_MAX && QUIET_WAIT > 0)) && log "still busy ($OTHERS% CPU by others); measuring anyway"
  return 0
}

# Globals set by measure_begin/measure_end: CPU0 CPU1 STEAL SRVCPU UPCPU OTHERS
M_C= M_S= M_U= M_T=
measure_begin() { # TARGET
  others_begin
  M_C=$(cpu_snapshot)
  M_S=$(tree_ticks "${TPID[$1]}")
  M_U=$(tree_ticks "$UP_PID")
  M_T=$(date +%s.%N)
}
measure_end() { # TARGET
  local c s u t hz b0 t0 st0 b1 t1 st1 B0 T0 ST0 B1 T1 ST1
  c=$(cpu_snapshot)
  s=$(tree_ticks "${TPID[$1]}")
  u=$(tree_ticks "$UP_PID")
  t=$(date +%s.%N)
  others_end
  hz=$(getconf CLK_TCK)
  read -r b0 t0 st0 b1 t1 st1 <<<"$M_C"
  read -r B0 T0 ST0 B1 T1 ST1 <<<"$c"
  CPU0=$(awk -v a=$((B0 - b0)) -v b=$((T0 - t0)) 'BEGIN{printf "%.0f", b ? 100*a/b : 0}')
  CPU1=$(awk -v a=$((B1 - b1)) -v b=$((T1 - t1)) 'BEGIN{printf "%.0f", b ? 100*a/b : 0}')
  STEAL=$(awk -v a=$((ST0 - st0 + ST1 - st1)) -v b=$((T0 - t0 + T1 - t1)) 'BEGIN{printf "%.1f", b ? 100*a/b : 0}')
  SRVCPU=$(awk -v a=$((s - M_S)) -v h="$hz" -v s0="$M_T" -v s1="$t" 'BEGIN{printf "%.0f", 100*a/h/(s1-s0)}')
  UPCPU=$(awk -v a=$((u - M_U)) -v h="$hz" -v s0="$M_T" -v s1="$t" 'BEGIN{printf "%.0f", 100*a/h/(s1-s0)}')
}

run_wrk() { # PHASE TARGET RUN WRKCPUS
  local phase=$1 target=$2 run=$3 wcpus=$4 port=${TPORT[$2]}
  local out="$RUN/wrk-$phase-$target-$run.txt" rps p50 p99 non2xx sockerr
  measure_begin "$target"
  pin "$wcpus" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$port/" >"$out" 2>&1
  measure_end "$target"
  rps=$(awk '/^Requests\/sec:/{print $2}' "$out")
  p50=$(to_ms "$(awk '$1=="50%"{print $2}' "$out")")
  p99=$(to_ms "$(awk '$1=="99%"{print $2}' "$out")")
  non2xx=$(awk '/Non-2xx/{print $NF}' "$out")
  non2xx=${non2xx:-0}
  sockerr=$(awk '/Socket errors/{gsub(",","");print $4+$6+$8+$10}' "$out")
  sockerr=${sockerr:-0}
  [ -n "$rps" ] || { log "wrk produced no result for $target, see $out"; rps=0; p50=nan; p99=nan; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$phase" "$target" "$run" "$rps" "$p50" "$p99" \
    "$non2xx" "$sockerr" "$CPU0" "$CPU1" "$STEAL" "$SRVCPU" "$UPCPU" "$OTHERS" "$PHASE_DESC" >>"$RESULTS"
  log "$phase $target run $run: $rps rps p50=${p50}ms p99=${p99}ms errs=$((non2xx + sockerr)) cpu0=$CPU0% cpu1=$CPU1% steal=$STEAL% target=$SRVCPU% upstream=$UPCPU% others=$OTHERS%"
}

run_open_loop() { # PHASE TARGET RUN GENCPUS
  local phase=$1 target=$2 run=$3 gcpus=$4 port=${TPORT[$2]} json tl=()
  [ "$TIMELINE" = 1 ] && tl=(--timeline "$RUN/timeline-$target-$run.txt")
  measure_begin "$target"
  json=$(pin "$gcpus" node "$HERE/open-loop.mjs" --url "http://127.0.0.1:$port/" --rate "$RATE" \
    --duration "$RATE_DURATION" --warmup "$RATE_WARMUP" "${tl[@]}" 2>>"$RUN/open-loop.err")
  measure_end "$target"
  [ -n "$json" ] || json='{}'
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$phase" "$target" "$run" "$SRVCPU" "$STEAL" "$OTHERS" "$json" >>"$OPENLOOP"
  log "$phase open-loop $target run $run: $json target=$SRVCPU% steal=$STEAL% others=$OTHERS%"
}

measure_phase() { # PHASE WRKCPUS (targets from TARGETS)
  local phase=$1 wcpus=$2 t r w ol=()
  ((${#TARGETS[@]})) || { log "phase $phase: no target selected"; return; }
  for t in "${TARGETS[@]}"; do check_target "$t"; done
  log "warm-up: $WARMUP per nginx/haproxy target, $WARMUP_NODE per Node target (V8 JIT needs it)"
  for t in "${TARGETS[@]}"; do
    case $t in direct-nginx | nginx | nginx-cache | nginx-cache-w2 | haproxy-*) w=$WARMUP ;; *) w=$WARMUP_NODE ;; esac
    pin "$wcpus" wrk -t"$THREADS" -c"$CONNS" -d"$w" "http://127.0.0.1:${TPORT[$t]}/" >/dev/null 2>&1
  done
  # Rounds are interleaved: each round runs every target once, so slow spells of this
  # (noisy, virtualised) machine hit all targets alike.
  for r in $(seq "$RUNS"); do
    for t in "${TARGETS[@]}"; do
      pause_until_quiet
      run_wrk "$phase" "$t" "$r" "$wcpus"
    done
  done
  [ "$OPEN_LOOP" = 1 ] && [ "$phase" = pinned ] || return 0
  for t in $OPEN_LOOP_TARGETS; do [ -n "${TPORT[$t]:-}" ] && ol+=("$t"); done
  ((${#ol[@]})) || return 0
  if [ "$RATE_SPEC" = auto ]; then
    RATE=$(auto_rate "$phase" "${ol[@]}") || { log "RATE=auto: no closed-loop figure for ${ol[*]}; skipping the open loop"; return 0; }
    log "RATE=auto: $RATE req/s, half the lowest closed-loop median of ${ol[*]}"
  fi
  log "open loop: $RATE req/s for ${RATE_DURATION}s (+${RATE_WARMUP}s generator warm-up) per run, generator on cpu $wcpus"
  for r in $(seq "$RATE_RUNS"); do
    for t in "${ol[@]}"; do
      pause_until_quiet
      run_open_loop "$phase" "$t" "$r" "$wcpus"
    done
  done
}

auto_rate() { # PHASE TARGET... -> half the lowest median closed-loop rps among TARGETS (floor 100, >= 100)
  node -e '
    const [file, phase, ...targets] = process.argv.slice(1);
    const rows = require("fs").readFileSync(file, "utf8").trim().split("\n").slice(1).map((l) => l.split("\t"));
    const med = (xs) => { const s = xs.sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
    const mins = targets
      .map((t) => rows.filter((r) => r[0] === phase && r[1] === t).map((r) => Number(r[3])).filter((x) => x > 0))
      .filter((xs) => xs.length > 0)
      .map(med);
    if (mins.length === 0) process.exit(1);
    console.log(Math.max(100, Math.floor(Math.min(...mins) / 2 / 100) * 100));
  ' "$RESULTS" "$@"
}

keel_log_check() { # NAME: a per-request log line would be a benchmark (and product) problem
  local f="$RUN/$1.log" lines
  [ -f "$f" ] || return 0
  lines=$(wc -l <"$f")
  log "$1 log: $lines lines ($f)"
  ((lines < 1000)) || log "WARNING: $1 wrote $lines log lines during the benchmark (access logging on?)"
}

keel_profiles() { # NAME: summarize the CPU profiles written on exit
  [ "$KEEL_PROF" = 1 ] || return 0
  local f
  for f in "$RUN/$1-prof"/*.cpuprofile; do
    [ -f "$f" ] || continue
    echo "== V8 CPU profile of $1: $f (covers warm-up and all runs)"
    node "$NODEDIR/profsum.js" "$f" 20
  done >"$RUN/$1-profile.txt" 2>&1
  [ -s "$RUN/$1-profile.txt" ] && cat "$RUN/$1-profile.txt" >&2
}

# ---------------------------------------------------------------- phases
phase_pinned() {
  local S=$SUT_CPUS
  PHASE_DESC="wrk -t$THREADS -c$CONNS on cpu $WRK_CPUS; upstream nginx (1 worker) + proxy share cpu $S; 1 process/worker each"
  log "phase pinned: $PHASE_DESC"
  start_nginx nginx-upstream "$CONF/nginx-upstream.conf" 1 "$S"
  UP_PID=$LAST_PID
  add_target direct-nginx 18001 "$UP_PID"
  if selected nginx; then start_nginx nginx-proxy "$CONF/nginx-proxy.conf" 1 "$S" && add_target nginx 18100 "$LAST_PID"; fi
  if selected haproxy-rr; then start_haproxy 1 "$S" && add_target haproxy-rr 18200 "$LAST_PID"; fi
  if selected fastify-http-proxy; then
    start_node fastify "$S" 18400 -- proxy-fastify.js && add_target fastify-http-proxy 18400 "$LAST_PID"
  fi
  if selected undici-stream; then
    start_node undici-stream "$S" 18510 MODE=stream -- proxy-undici.js && add_target undici-stream 18510 "$LAST_PID"
  fi
  if selected keel; then
    if keel_available; then
      start_keel keel "$S" 1 18700 18701 && add_target keel 18700 "$LAST_PID"
    else
      log "WARNING: $KEEL_MAIN not found — Keel NOT measured (run npm run build)"
    fi
  fi
  measure_phase pinned "$WRK_CPUS"
  stop_all
  keel_log_check keel
  keel_profiles keel
}

phase_smp() {
  local A=0-1
  PHASE_DESC="no pinning: 2 cores shared by wrk -t$THREADS -c$CONNS, upstream (nginx 2 workers) and proxy"
  log "phase smp: $PHASE_DESC"
  start_nginx nginx-upstream "$CONF/nginx-upstream.conf" 2 "$A"
  UP_PID=$LAST_PID
  add_target direct-nginx 18001 "$UP_PID"
  if selected nginx; then start_nginx nginx-proxy "$CONF/nginx-proxy.conf" 2 "$A" && add_target nginx 18100 "$LAST_PID"; fi
  if selected haproxy-rr; then start_haproxy 2 "$A" && add_target haproxy-rr 18200 "$LAST_PID"; fi
  if selected undici-stream-cluster2; then
    start_node undici-stream-cluster2 "$A" 18511 WORKERS=2 MODE=stream -- cluster.js proxy-undici.js &&
      add_target undici-stream-cluster2 18511 "$LAST_PID"
  fi
  if keel_available; then
    if selected keel; then start_keel keel "$A" 1 18700 18701 && add_target keel 18700 "$LAST_PID"; fi
    if selected keel-w2; then start_keel keel-w2 "$A" 2 18710 18711 && add_target keel-w2 18710 "$LAST_PID"; fi
  else
    log "WARNING: $KEEL_MAIN not found — Keel NOT measured"
  fi
  measure_phase smp 0-1
  stop_all
  keel_log_check keel-w2
  keel_profiles keel-w2
}

phase_soak() {
  local S=$SUT_CPUS t r w
  PHASE_DESC="open-loop soak: ${SOAK_RATE:-1500} req/s for ${SOAK_DURATION:-180}s per target and run, generator on cpu $WRK_CPUS; upstream nginx (1 worker) + proxy share cpu $S"
  log "phase soak: $PHASE_DESC"
  start_nginx nginx-upstream "$CONF/nginx-upstream.conf" 1 "$S"
  UP_PID=$LAST_PID
  for t in ${SOAK_TARGETS:-nginx undici-stream keel}; do
    selected "$t" || continue
    case $t in
      nginx) start_nginx nginx-proxy "$CONF/nginx-proxy.conf" 1 "$S" && add_target nginx 18100 "$LAST_PID" ;;
      undici-stream) start_node undici-stream "$S" 18510 MODE=stream -- proxy-undici.js && add_target undici-stream 18510 "$LAST_PID" ;;
      keel) keel_available && start_keel keel "$S" 1 18700 18701 && add_target keel 18700 "$LAST_PID" ;;
      *) die "soak: unknown target $t" ;;
    esac
  done
  for t in "${TARGETS[@]}"; do check_target "$t"; done
  for t in "${TARGETS[@]}"; do
    case $t in nginx) w=$WARMUP ;; *) w=$WARMUP_NODE ;; esac
    pin "$WRK_CPUS" wrk -t"$THREADS" -c"$CONNS" -d"$w" "http://127.0.0.1:${TPORT[$t]}/" >/dev/null 2>&1
  done
  local rate=$RATE duration=$RATE_DURATION
  RATE=${SOAK_RATE:-1500}
  RATE_DURATION=${SOAK_DURATION:-180}
  for r in $(seq "${SOAK_RUNS:-1}"); do
    for t in "${TARGETS[@]}"; do
      pause_until_quiet
      run_open_loop soak "$t" "$r" "$WRK_CPUS"
    done
  done
  RATE=$rate
  RATE_DURATION=$duration
  stop_all
  keel_log_check keel
}

# ---------------------------------------------------------------- cache phase
prepare_cache_dir() { # a fresh, empty nginx cache on tmpfs, so a hit never waits on a disk
  local shm=/dev/shm/keel-bench-nginx-cache
  rm -rf "$CACHE_DIR" "$shm"
  if [ "$(stat -f -c %T "$(dirname "$CACHE_DIR")" 2>/dev/null)" = tmpfs ] || [ ! -d /dev/shm ]; then
    mkdir -p "$CACHE_DIR"
  else # RUN_DIR is on a disk: keep the store in /dev/shm and link it from RUN_DIR
    mkdir -p "$shm"
    ln -sfn "$shm" "$CACHE_DIR"
    CACHE_SHM=$shm
  fi
  log "nginx-cache store: $CACHE_DIR ($(stat -L -f -c %T "$CACHE_DIR"))"
}
CACHE_SHM=
cleanup_cache_dir() { [ -z "$CACHE_SHM" ] || rm -rf "$CACHE_SHM"; }

has_hit() { # HEADERS_FILE MEMBER -> 0 when its Cache-Status field starts with MEMBER (e.g. "keel; hit")
  tr -d '\r' <"$1" 2>/dev/null | grep -qiE "^cache-status: *$2([;, ]|$)"
}

warm_and_check_hit() { # NAME PORT MEMBER: first GET stores (a miss), the next must be a hit
  local name=$1 port=$2 member=$3 k
  local head=$RUN/$name-hit.headers body=$RUN/$name-hit.body
  # 60 s: Keel's start-up (module loading, V8 cold) is slow on a core that another job keeps busy.
  wait_port "$port" "${TPID[$name]:-$LAST_PID}" 60 || {
    log "$name on :$port does not answer after 60 s; last lines of $RUN/$name.log:"
    tail -n 20 "$RUN/$name.log" >&2 2>/dev/null
    return 2
  }
  # The store may complete just after the first answer went out: poll for the hit, 2 s at most.
  for k in $(seq 20); do
    curl -s -D "$head" -o "$body" "http://127.0.0.1:$port/" && has_hit "$head" "$member" && break
    sleep 0.1
  done
  if ! has_hit "$head" "$member"; then
    log "$name: no \"cache-status: $member\" after warming; its last answer:"
    tr -d '\r' <"$head" >&2
    return 1
  fi
  log "$name: warmed, answers \"$(tr -d '\r' <"$head" | grep -i '^cache-status:')\" ($(wc -c <"$head") B head, $(wc -c <"$body") B body)"
}

phase_cache() {
  local S=$SUT_CPUS keel_ok=0 why=''
  if ! selected nginx-cache && ! selected node-http-bytes && ! selected keel-cache; then
    log "phase cache: no target selected (ONLY=$ONLY)"
    return
  fi
  PHASE_DESC="cache hits: wrk -t$THREADS -c$CONNS on cpu $WRK_CPUS; origin nginx (1 worker, idle on hits) + system under test share cpu $S; 1 process/worker each"
  log "phase cache: $PHASE_DESC"
  rm -f "$RUN"/nginx-cache-hit.* "$RUN"/keel-cache-hit.*
  CACHE_NOTES=$RUN/cache-notes.md
  : >"$CACHE_NOTES"
  prepare_cache_dir
  start_nginx cache-origin "$HERE/cache-conf/nginx-origin.conf" 1 "$S"
  UP_PID=$LAST_PID
  wait_port 18830 "$UP_PID" || die "cache origin (cache-conf/nginx-origin.conf) did not start"
  curl -s -D - -o /dev/null http://127.0.0.1:18830/ | grep -qi '^cache-control: public, max-age=3600' ||
    die "cache origin does not send Cache-Control: public, max-age=3600"
  if selected nginx-cache; then
    start_nginx nginx-cache "$HERE/cache-conf/nginx-cache.conf" 1 "$S"
    add_target nginx-cache 18800 "$LAST_PID"
    warm_and_check_hit nginx-cache 18800 'nginx; hit' || die "nginx-cache does not serve hits"
  fi
  # Keel is started when node-http-bytes is selected too: that server answers Keel's hit bytes.
  if selected keel-cache || selected node-http-bytes; then
    if ! keel_available; then
      why="$KEEL_MAIN not found (run npm run build)"
    elif ! node "$KEEL_MAIN" validate -c "$KEEL_CACHE_CONFIG" >"$RUN/keel-cache-validate.log" 2>&1; then
      why="this build rejects $KEEL_CACHE_CONFIG: $(tr '\n' ' ' <"$RUN/keel-cache-validate.log")"
    else
      start_keel keel-cache "$S" 1 18820 18821 "$KEEL_CACHE_CONFIG"
      TPID[keel-cache]=$LAST_PID
      warm_and_check_hit keel-cache 18820 'keel; hit'
      case $? in
        0) keel_ok=1 ;;
        2) why="keel-cache did not answer HTTP 200 within 60 s (see $RUN/keel-cache.log)" ;;
        *) why="keel-cache accepts the config but does not answer \"cache-status: keel; hit\" after warming (see $RUN/keel-cache-hit.headers, $RUN/keel-cache.log)" ;;
      esac
      if ((!keel_ok)); then
        CACHE_FAILED=$why
        log "FAILED: $why"
      fi
    fi
    ((keel_ok)) || log "WARNING: keel-cache NOT measured: $why"
  fi
  if selected node-http-bytes; then
    if ((keel_ok)); then
      start node-http-bytes "$S" env PORT=18810 HEADERS_FILE="$RUN/keel-cache-hit.headers" \
        BODY_FILE="$RUN/keel-cache-hit.body" node "$HERE/cache-bytes-server.mjs"
    else # no Keel hit to copy: the fields a Keel hit carries, from the script
      start node-http-bytes "$S" env PORT=18810 node "$HERE/cache-bytes-server.mjs"
    fi
    add_target node-http-bytes 18810 "$LAST_PID"
    wait_port 18810 "$LAST_PID" || die "node-http-bytes did not start"
    curl -s -D "$RUN/node-http-bytes-hit.headers" -o "$RUN/node-http-bytes-hit.body" http://127.0.0.1:18810/
    log "$(cat "$RUN/node-http-bytes.log")"
  fi
  ((keel_ok)) && add_target keel-cache 18820 "${TPID[keel-cache]}"
  {
    echo "## Cache phase: what each target answers"
    echo
    if ((!keel_ok)) && selected keel-cache; then
      echo "**keel-cache not measured: $why**"
      echo
    fi
    echo "The head of one answer after warming (curl -D; wrk sends the same GET /). Every body is the origin's 100 bytes."
    local t f
    for t in nginx-cache node-http-bytes keel-cache; do
      f=$RUN/$t-hit.headers
      [ -s "$f" ] || continue
      echo
      echo "$t: $(wc -c <"$f") B head, $(($(grep -c ':' "$f"))) fields"
      echo
      echo '```http'
      tr -d '\r' <"$f" | sed '/^$/d'
      echo '```'
    done
  } >"$CACHE_NOTES"
  measure_phase cache "$WRK_CPUS"
  stop_all
  cleanup_cache_dir
  keel_log_check keel-cache
  keel_profiles keel-cache
}

# The cache-hit phase with two workers each, unpinned (docs/benchmarks.md, "Cache hits"): nginx
# proxy_cache with 2 workers (one keys zone in shared memory) against keel run --workers 2 (one
# machine store): the second request of the warm-up check lands on the other worker, so it is a
# hit only if the workers share the cache.
phase_cache_smp() {
  local A=0-1 keel_ok=0 why=''
  if ! selected nginx-cache-w2 && ! selected keel-cache-w2; then
    log "phase cache-smp: no target selected (ONLY=$ONLY)"
    return
  fi
  PHASE_DESC="cache hits, 2 workers each: no pinning, 2 cores shared by wrk -t$THREADS -c$CONNS, the origin nginx (1 worker, idle on hits) and the system under test"
  log "phase cache-smp: $PHASE_DESC"
  rm -f "$RUN"/nginx-cache-w2-hit.* "$RUN"/keel-cache-w2-hit.*
  CACHE_NOTES=$RUN/cache-notes.md
  prepare_cache_dir
  mkdir -p "$RUN/nginx-cache-tmp"
  start_nginx cache-origin "$HERE/cache-conf/nginx-origin.conf" 1 "$A"
  UP_PID=$LAST_PID
  wait_port 18830 "$UP_PID" || die "cache origin (cache-conf/nginx-origin.conf) did not start"
  if selected nginx-cache-w2; then
    start_nginx nginx-cache "$HERE/cache-conf/nginx-cache.conf" 2 "$A"
    add_target nginx-cache-w2 18800 "$LAST_PID"
    warm_and_check_hit nginx-cache-w2 18800 'nginx; hit' || die "nginx-cache-w2 does not serve hits"
  fi
  if selected keel-cache-w2; then
    if ! keel_available; then
      why="$KEEL_MAIN not found (run npm run build)"
    else
      start_keel keel-cache-w2 "$A" 2 18820 18821 "$KEEL_CACHE_CONFIG"
      TPID[keel-cache-w2]=$LAST_PID
      warm_and_check_hit keel-cache-w2 18820 'keel; hit'
      case $? in
        0) keel_ok=1 ;;
        2) why="keel-cache-w2 did not answer HTTP 200 within 60 s (see $RUN/keel-cache-w2.log)" ;;
        *) why="keel-cache-w2 does not answer \"cache-status: keel; hit\" after warming: do its workers share the cache? (see $RUN/keel-cache-w2-hit.headers)" ;;
      esac
      ((keel_ok)) || { CACHE_FAILED=$why; log "FAILED: $why"; }
    fi
  fi
  ((keel_ok)) && add_target keel-cache-w2 18820 "${TPID[keel-cache-w2]}"
  {
    echo
    echo "## Cache phase, 2 workers: what each target answers"
    echo
    ((keel_ok)) || ! selected keel-cache-w2 || { echo "**keel-cache-w2 not measured: $why**"; echo; }
    local t f
    for t in nginx-cache-w2 keel-cache-w2; do
      f=$RUN/$t-hit.headers
      [ -s "$f" ] || continue
      echo "$t: $(wc -c <"$f") B head"
      echo
      echo '```http'
      tr -d '\r' <"$f" | sed '/^$/d'
      echo '```'
      echo
    done
  } >>"$CACHE_NOTES"
  measure_phase cache-smp 0-1
  stop_all
  cleanup_cache_dir
  keel_log_check keel-cache-w2
  keel_profiles keel-cache-w2
}

run_micro() {
  local f found=0
  for f in "$MICRO_DIR"/*.js; do
    [ -f "$f" ] || continue
    case $f in *.test.js) continue ;; esac
    found=1
    log "micro: node $f"
    echo "### micro: ${f#"$ROOT"/}"
    echo
    echo '```'
    taskset -c "$SUT_CPUS" node "$f" || log "WARNING: $f exited with status $?"
    echo '```'
    echo
  done >"$RUN/micro.md"
  ((found)) || log "MICRO=1 but no $MICRO_DIR/*.js (build first)"
}

# ---------------------------------------------------------------- main
mkdir -p "$RUN" "$OUTDIR"
[ "$INSTALL" = 1 ] && install_deps
for b in nginx haproxy wrk node taskset curl; do command -v "$b" >/dev/null || die "$b missing (run with INSTALL=1)"; done
copy_peers_node
for p in "${PORTS[@]}"; do
  if ss -ltn 2>/dev/null | grep -q "127\.0\.0\.1:$p "; then
    ss -ltnp | grep -E '127\.0\.0\.1:18[0-9]{3} ' >&2
    die "port $p is already in use (another benchmark running?)"
  fi
done
rm -f "$RUN/micro.md" "$RUN/cache-notes.md"
[ "$MICRO" = 1 ] && run_micro
printf 'phase\ttarget\trun\trps\tp50_ms\tp99_ms\tnon2xx\tsock_err\tcpu0\tcpu1\tsteal\tsrv_cpu\tup_cpu\tother_cpu\tdesc\n' >"$RESULTS"
printf 'phase\ttarget\trun\tsrv_cpu\tsteal\tother_cpu\tjson\n' >"$OPENLOOP"
VERSIONS="$(nginx -v 2>&1 | tr -d '\n' | sed 's/nginx version: //'), $(haproxy -v | head -1 | cut -d' ' -f1-3), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), node $(node -v)"
VERSIONS="$VERSIONS, $(cd "$NODEDIR" && node -e 'process.stdout.write(["fastify","@fastify/http-proxy","undici"].map((p)=>p+"@"+require(p+"/package.json").version).join(", "))')"
VERSIONS="$VERSIONS, keel $(node -p 'require(process.argv[1]).version' "$ROOT/package.json") ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo '+dirty'))"
log "versions: $VERSIONS"
quiet_check() { # warn when other processes keep the box busy: their CPU lands on our pinned cores
  local a
  others_pct 2
  a=$OTHERS
  if ((a > QUIET_MAX)); then
    log "WARNING: other processes use ${a}% CPU right now; figures will be noisy (see 'max others %')"
  else
    log "box is quiet: other processes use ${a}% CPU"
  fi
}
quiet_check
T0=$(date +%s)
# The cache-hit phases run last unless CACHE=0 (cache-smp with smp); PHASES=cache runs only it.
[ "$CACHE" = 1 ] && [[ " $PHASES " != *" cache "* ]] && [[ " $PHASES " != *" cache-smp "* ]] && PHASES="$PHASES cache"
[ "$CACHE" = 1 ] && [[ " $PHASES " == *" smp "* ]] && [[ " $PHASES " != *" cache-smp "* ]] && PHASES="$PHASES cache-smp"
for ph in $PHASES; do
  case $ph in
    pinned) phase_pinned ;;
    smp) phase_smp ;;
    soak) phase_soak ;;
    cache) phase_cache ;;
    cache-smp) phase_cache_smp ;;
    *) die "unknown phase $ph" ;;
  esac
done
stop_all
ELAPSED=$(($(date +%s) - T0))
log "measured in ${ELAPSED}s; raw data: $RESULTS $OPENLOOP"
MD=$OUTDIR/$STAMP.md
{
  echo "# Keel benchmark $STAMP"
  echo
  echo "- Machine: $(nproc) CPU ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
  echo "- Versions: $VERSIONS"
  echo "- Knobs: RUNS=$RUNS DURATION=$DURATION CONNS=$CONNS THREADS=$THREADS WARMUP=$WARMUP WARMUP_NODE=$WARMUP_NODE" \
    "RATE=$( [ "$RATE_SPEC" = auto ] && echo "auto($RATE)" || echo "$RATE") RATE_DURATION=${RATE_DURATION}s RATE_WARMUP=${RATE_WARMUP}s RATE_RUNS=$RATE_RUNS PHASES=\"$PHASES\" CACHE=$CACHE ONLY=\"$ONLY\" NICE=$NICE QUIET_MAX=$QUIET_MAX QUIET_WAIT=$QUIET_WAIT; measured in ${ELAPSED}s"
  node "$HERE/summarize.mjs" "$RESULTS" "$OPENLOOP"
  [ -s "$RUN/cache-notes.md" ] && { echo; cat "$RUN/cache-notes.md"; }
  [ -s "$RUN/micro.md" ] && { echo; echo "## Micro benchmarks"; echo; cat "$RUN/micro.md"; }
  [ "$KEEL_PROF" = 1 ] && for f in "$RUN"/keel*-profile.txt; do
    [ -s "$f" ] && { echo; echo "## $(basename "$f" .txt)"; echo; echo '```'; cat "$f"; echo '```'; }
  done
} | tee "$MD"
cp "$RESULTS" "$OUTDIR/$STAMP-results.tsv"
cp "$OPENLOOP" "$OUTDIR/$STAMP-openloop.tsv"
log "saved $MD (+ $STAMP-results.tsv, $STAMP-openloop.tsv)"
[ -z "$CACHE_FAILED" ] || die "cache phase: $CACHE_FAILED"
