#!/usr/bin/env bash
# Only the cache-hit benchmark (docs/benchmarks.md, "Cache hits"): bench/run.sh's phases "cache"
# (nginx proxy_cache, a bare node:http server answering a Keel hit's bytes, Keel with a caching
# route; one worker each, pinned) and "cache-smp" (nginx proxy_cache and Keel with 2 workers each,
# unpinned). PHASES=cache or PHASES=cache-smp runs one of them. Every knob of run.sh applies, e.g.
#   RUNS=1 DURATION=3s WARMUP_NODE=5s bash bench/cache.sh   # smoke pass
# `npm run bench` runs this phase too, after the proxy phases (CACHE=0 skips it there).
PHASES=${PHASES:-cache cache-smp} exec bash "$(dirname "${BASH_SOURCE[0]}")/run.sh" "$@"
