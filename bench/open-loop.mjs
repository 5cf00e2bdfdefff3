#!/usr/bin/env node
// Open-loop HTTP load generator: sends GETs at a fixed arrival rate and measures each
// latency from the request's INTENDED send time, not from when it was actually sent.
// A closed-loop tool (wrk) waits for a response before sending the next request, so a
// stalled server also stalls the load and the stall is under-counted ("coordinated
// omission", Gil Tene). Here the schedule never waits: request i is due at
// start + i/rate, a late timer sends every overdue request in one burst, and a slow
// response simply shows up as a long latency.
//
// usage: node bench/open-loop.mjs --url http://127.0.0.1:18001/ --rate 4000 --duration 10
//          [--warmup 2] [--connections 128] [--timeout 10] [--label k=v]... [--timeline FILE]
// Prints one JSON object on stdout (latencies in ms): sent, completed, ok, non2xx, errors,
// timedOut, achievedRate, p50/p90/p99/p999/max, and sendLag (how late the generator itself
// sent: if sendLagP99 is large, the generator, not the target, was the bottleneck).
// --timeline FILE also writes one line per request, "intended send (ms from start) latency (ms)
// send lag (ms)" (latency NaN when not ok): where in the run the slow requests were, and whether
// the generator was late sending them, to set beside a --trace-gc log of the target.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    rate: { type: 'string', default: '4000' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '128' },
    timeout: { type: 'string', default: '10' },
    label: { type: 'string', multiple: true, default: [] },
    timeline: { type: 'string' },
  },
});
if (!values.url) {
  console.error('usage: open-loop.mjs --url URL [--rate N] [--duration S] [--warmup S]');
  process.exit(2);
}
const target = new URL(values.url);
const rate = Number(values.rate);
const durationS = Number(values.duration);
const warmupS = Number(values.warmup);
const timeoutMs = Number(values.timeout) * 1000;
const path = target.pathname + target.search;
const pool = new Pool(target.origin, {
  connections: Number(values.connections),
  pipelining: 1,
  keepAliveTimeout: 60_000,
  headersTimeout: timeoutMs,
  bodyTimeout: timeoutMs,
});

/**
 * One phase: send `count` requests on the schedule. The samples are filled in place, so a
 * caller that gives up waiting (deadline) can still report what finished.
 */
function phase(count) {
  const latency = new Float64Array(count).fill(Number.NaN); // ms, intended send -> response end; NaN = not ok
  const lag = new Float64Array(count); // ms from intended send to actual dispatch
  const stats = { completed: 0, ok: 0, non2xx: 0, errors: 0, lastEnd: 0 };
  const intervalMs = 1000 / rate;
  const run = { latency, lag, stats, start: 0, done: null };
  let next = 0;
  let start = 0;
  run.done = new Promise((resolve) => {
    const finishIfDone = () => {
      if (stats.completed === count) resolve();
    };
    const send = (i, intended) => {
      let status = 0;
      pool.dispatch(
        { origin: target.origin, path, method: 'GET', headers: { host: target.host } },
        {
          onRequestStart() {},
          onResponseStart(_c, statusCode) {
            status = statusCode;
          },
          onResponseData() {},
          onResponseEnd() {
            const end = performance.now();
            stats.completed++;
            stats.lastEnd = end;
            if (status >= 200 && status < 300) {
              stats.ok++;
              latency[i] = end - intended;
            } else {
              stats.non2xx++;
            }
            finishIfDone();
          },
          onResponseError() {
            stats.completed++;
            stats.errors++;
            finishIfDone();
          },
        },
      );
    };
    const tick = () => {
      const now = performance.now();
      // Catch up: send every request whose intended time has passed (a burst if the timer lagged).
      while (next < count) {
        const intended = start + next * intervalMs;
        if (intended > now) break;
        lag[next] = now - intended;
        send(next, intended);
        next++;
      }
      if (next < count) {
        // Node timers have 1 ms granularity and fire late under load; that lateness would be
        // charged to every target as latency. So poll with setImmediate (the loop spins, which
        // is fine on the generator's own pinned core) and only sleep when far ahead.
        const wait = start + next * intervalMs - performance.now();
        if (wait > 3) setTimeout(tick, Math.floor(wait) - 2);
        else setImmediate(tick);
      }
    };
    start = performance.now();
    run.start = start;
    stats.lastEnd = start;
    if (count === 0) resolve();
    else tick();
  });
  return run;
}

function percentile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  const k = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, k)];
}

const round = (x) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);

async function main() {
  // Generator warm-up (not recorded): JIT-compiles this script and undici, opens connections.
  await phase(Math.round(rate * warmupS)).done;
  const count = Math.round(rate * durationS);
  const { latency, lag, stats, start, done } = phase(count);
  let timer;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(resolve, durationS * 1000 + timeoutMs + 1000);
  });
  await Promise.race([done, deadline]);
  clearTimeout(timer);
  const timedOut = count - stats.completed;
  if (timedOut > 0) {
    console.error(`open-loop: ${timedOut} requests did not finish before the deadline`);
    process.exitCode = 1;
  }
  if (values.timeline) {
    const intervalMs = 1000 / rate;
    const lines = Array.from(
      latency,
      (x, i) => `${(i * intervalMs).toFixed(3)} ${x.toFixed(3)} ${lag[i].toFixed(3)}`,
    );
    writeFileSync(values.timeline, `${lines.join('\n')}\n`);
  }
  const okLat = Float64Array.from(latency.filter((x) => Number.isFinite(x))).sort();
  const lagSorted = Float64Array.from(lag).sort();
  const elapsedS = (stats.lastEnd - start) / 1000;
  const labels = Object.fromEntries(values.label.map((kv) => kv.split('=', 2)));
  const out = {
    ...labels,
    url: values.url,
    rate,
    durationS,
    sent: count,
    completed: stats.completed,
    ok: stats.ok,
    non2xx: stats.non2xx,
    errors: stats.errors,
    timedOut,
    achievedRate: round(elapsedS > 0 ? stats.ok / elapsedS : 0),
    p50: round(percentile(okLat, 0.5)),
    p90: round(percentile(okLat, 0.9)),
    p99: round(percentile(okLat, 0.99)),
    p999: round(percentile(okLat, 0.999)),
    max: round(okLat.length ? okLat[okLat.length - 1] : Number.NaN),
    sendLagP99: round(percentile(lagSorted, 0.99)),
    sendLagMax: round(lagSorted.length ? lagSorted[lagSorted.length - 1] : Number.NaN),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  if (timedOut > 0) await pool.destroy().catch(() => {});
  else await pool.close().catch(() => {});
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
