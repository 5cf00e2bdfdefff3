#!/usr/bin/env node
// Summarize bench/run.sh output as markdown: node bench/summarize.mjs results.tsv [openloop.tsv]
// Closed loop (wrk): medians over the interleaved runs of rps, p50 and p99 (each taken
// independently), ratios as a ratio of medians and as the median of per-round ratios (a
// round shares the machine's momentary conditions), then Keel's ratios against each peer
// with the targets of docs/benchmarks.md "Targets". Open loop: medians of p50/p99 at the same
// offered rate and Keel's p99 ÷ nginx's p99. Phase "cache" has its own table: cache hits of nginx
// proxy_cache, a bare node:http server and Keel, and keel-cache's ratios to both; phase
// "cache-smp" the same with 2 workers each (nginx-cache-w2, keel-cache-w2).
import { readFileSync } from 'node:fs';

const [resultsFile, openLoopFile] = process.argv.slice(2);
if (!resultsFile) {
  console.error('usage: summarize.mjs results.tsv [openloop.tsv]');
  process.exit(2);
}

function readTsv(file) {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const head = lines.shift().split('\t');
  return lines.map((l) => Object.fromEntries(l.split('\t').map((v, k) => [head[k], v])));
}

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, d = 0) => (x == null || !Number.isFinite(x) ? '–' : x.toFixed(d));
const thousands = (x) =>
  Number.isFinite(x) ? Math.round(x).toLocaleString('en-US').replace(/,/g, ' ') : '–';
const out = [];
const p = (s = '') => out.push(s);

/**
 * Per target of one closed-loop phase: medians over its rounds (rps, latency, CPU), the worst
 * steal / other-process CPU, errors, and `vs(other, k)`: the per-round ratio of field k against
 * another target, median over rounds.
 */
function closedLoopStats(pr) {
  const targets = [...new Set(pr.map((r) => r.target))];
  const rowOf = (t, run) => pr.find((x) => x.target === t && x.run === run);
  const stats = {};
  for (const t of targets) {
    const tr = pr.filter((r) => r.target === t);
    const num = (k) => tr.map((r) => Number(r[k]));
    const rps = num('rps');
    stats[t] = {
      n: tr.length,
      rps: median(rps),
      min: Math.min(...rps),
      max: Math.max(...rps),
      p50: median(num('p50_ms')),
      p99: median(num('p99_ms')),
      srv: median(num('srv_cpu')),
      up: median(num('up_cpu')),
      upMax: Math.max(...num('up_cpu')),
      steal: Math.max(...num('steal')),
      others: Math.max(...num('other_cpu')),
      perCore: median(tr.map((r) => Number(r.rps) / (Number(r.srv_cpu) / 100))),
      errs: num('non2xx').reduce((a, b) => a + b, 0) + num('sock_err').reduce((a, b) => a + b, 0),
      vs: (other, k = 'rps') => median(tr.map((r) => Number(r[k]) / Number(rowOf(other, r.run)?.[k]))),
    };
  }
  return { targets, stats };
}

// ---------------------------------------------------------------- closed loop
const rows = readTsv(resultsFile);
const phases = [...new Set(rows.map((r) => r.phase))];
for (const phase of phases) {
  const pr = rows.filter((r) => r.phase === phase);
  if (phase === 'cache' || phase === 'cache-smp') {
    cacheSection(pr, phase);
    continue;
  }
  const { targets, stats } = closedLoopStats(pr);
  const ref = (t) => stats[t]?.rps;
  p();
  p(`## Closed loop, phase ${phase}`);
  p();
  p(
    `${pr[0].desc}. \`wrk --latency\`; medians over ${Math.max(...targets.map((t) => stats[t].n))} interleaved runs.`,
  );
  p();
  p(
    '| target | median rps | min–max rps | p50 ms | p99 ms | ÷ direct | ÷ nginx | target CPU % | rps per target core | max steal % | max others % | errors |',
  );
  p('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const t of targets) {
    const s = stats[t];
    const bold = t.startsWith('keel') ? '**' : '';
    p(
      `| ${bold}${t}${bold} | ${bold}${thousands(s.rps)}${bold} | ${thousands(s.min)}–${thousands(s.max)} | ${fmt(s.p50, 2)} | ${fmt(s.p99, 2)} | ` +
        `${fmt(s.rps / ref('direct-nginx'), 2)} | ${fmt(s.rps / ref('nginx'), 2)} | ${fmt(s.srv)} | ${thousands(s.perCore)} | ${fmt(s.steal, 1)} | ${fmt(s.others)} | ${s.errs} |`,
    );
  }
  const keels = targets.filter((t) => t.startsWith('keel'));
  if (keels.length === 0) {
    p();
    p('**Keel not measured in this run** (dist/src/cli/main.js missing or filtered out by ONLY).');
    continue;
  }
  const peers = [
    'fastify-http-proxy',
    'undici-stream',
    'undici-stream-cluster2',
    'haproxy-rr',
    'nginx',
    'direct-nginx',
  ];
  p();
  p(`### Keel's ratios, phase ${phase}`);
  p();
  p('"of medians" = median rps ÷ median rps; "per round" = median over rounds of the ratio within a round.');
  p();
  p('| ratio | of medians | per round | target |');
  p('|---|---:|---:|---|');
  for (const k of keels) {
    for (const peer of peers) {
      if (!stats[peer]) continue;
      let goal = '';
      if (peer === 'fastify-http-proxy' && k === 'keel' && phase === 'pinned') {
        const r = stats[k].rps / ref(peer);
        goal = `≥ 1.50 → ${r >= 1.5 ? 'MET' : 'NOT MET'}`;
      }
      p(`| ${k} ÷ ${peer} | ${fmt(stats[k].rps / ref(peer), 2)} | ${fmt(stats[k].vs(peer), 2)} | ${goal} |`);
    }
    if (stats[k].errs > 0) p(`\n**${k}: ${stats[k].errs} errors / non-2xx responses during the runs.**`);
  }
}

// ---------------------------------------------------------------- cache hits
// Cache hits of one 100-byte answer: nginx proxy_cache, a bare node:http server answering a Keel
// hit's bytes (the Node floor) and Keel; the origin is idle during the runs. The cache-hit target:
// keel-cache ≥ 0.6 × nginx-cache requests/s, on one worker; keel-cache-w2 ≥ 0.6 × nginx-cache-w2 with
// two workers each (phase cache-smp), every worker answering from the machine's one store.
function cacheSection(pr, phase) {
  const { targets, stats } = closedLoopStats(pr);
  const ref = (t) => stats[t]?.rps;
  const smp = phase === 'cache-smp';
  const nginxName = smp ? 'nginx-cache-w2' : 'nginx-cache';
  const keelName = smp ? 'keel-cache-w2' : 'keel-cache';
  p();
  p(smp ? '## Cache hits, 2 workers (phase cache-smp)' : '## Cache hits');
  p();
  p(
    `${pr[0].desc}. Every answer is a hit of the same 100-byte object (the origin's CPU shows it). ` +
      `\`wrk --latency\`; medians over ${Math.max(...targets.map((t) => stats[t].n))} interleaved runs.`,
  );
  p();
  p(
    `| target | median rps | min–max rps | p50 ms | p99 ms | ÷ ${nginxName} | ÷ node-http-bytes | target CPU % | rps per target core | max origin CPU % | max steal % | max others % | errors |`,
  );
  p('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const t of targets) {
    const s = stats[t];
    const bold = t.startsWith('keel') ? '**' : '';
    p(
      `| ${bold}${t}${bold} | ${bold}${thousands(s.rps)}${bold} | ${thousands(s.min)}–${thousands(s.max)} | ${fmt(s.p50, 2)} | ${fmt(s.p99, 2)} | ` +
        `${fmt(s.rps / ref(nginxName), 2)} | ${fmt(s.rps / ref('node-http-bytes'), 2)} | ${fmt(s.srv)} | ${thousands(s.perCore)} | ${fmt(s.upMax)} | ${fmt(s.steal, 1)} | ${fmt(s.others)} | ${s.errs} |`,
    );
  }
  const k = stats[keelName];
  if (!k) {
    p();
    p(`**${keelName} not measured in this run** (see "Cache phase: what each target answers" below).`);
    return;
  }
  p();
  p('### Keel cache ratios');
  p();
  p('"of medians" = median ÷ median; "per round" = median over rounds of the ratio within a round.');
  p();
  p('| ratio | rps, of medians | rps, per round | p99, of medians | p99, per round | target |');
  p('|---|---:|---:|---:|---:|---|');
  for (const peer of [nginxName, 'node-http-bytes']) {
    if (!stats[peer]) continue;
    const r = k.rps / ref(peer);
    // The verdict quotes 3 decimals: 0.598 prints as "0.60" above but is not ≥ 0.60.
    const goal = peer === nginxName ? `rps ≥ 0.60 → ${r >= 0.6 ? 'MET' : 'NOT MET'} (${fmt(r, 3)})` : '';
    p(
      `| ${keelName} ÷ ${peer} | ${fmt(r, 2)} | ${fmt(k.vs(peer), 2)} | ${fmt(k.p99 / stats[peer].p99, 2)} | ${fmt(k.vs(peer, 'p99_ms'), 2)} | ${goal} |`,
    );
  }
  if (k.errs > 0) p(`\n**${keelName}: ${k.errs} errors / non-2xx responses during the runs.**`);
}

// ---------------------------------------------------------------- open loop
if (openLoopFile) {
  const ol = readTsv(openLoopFile).map((r) => ({ ...r, ...JSON.parse(r.json || '{}') }));
  for (const phase of [...new Set(ol.map((r) => r.phase))]) {
    const pr = ol.filter((r) => r.phase === phase);
    const targets = [...new Set(pr.map((r) => r.target))];
    const stats = {};
    for (const t of targets) {
      const tr = pr.filter((r) => r.target === t);
      const num = (k) => tr.map((r) => Number(r[k]));
      stats[t] = {
        n: tr.length,
        rate: median(num('rate')),
        durationS: median(num('durationS')),
        achieved: median(num('achievedRate')),
        p50: median(num('p50')),
        p90: median(num('p90')),
        p99: median(num('p99')),
        p99s: num('p99'),
        p999: median(num('p999')),
        max: Math.max(...num('max')),
        lag99: median(num('sendLagP99')),
        srv: median(num('srv_cpu')),
        steal: Math.max(...num('steal')),
        others: Math.max(...num('other_cpu')),
        bad: ['non2xx', 'errors', 'timedOut'].map((k) => num(k).reduce((a, b) => a + (b || 0), 0)),
      };
    }
    const nginx99 = stats.nginx?.p99;
    const rate = stats[targets[0]].rate;
    p();
    p(`## Same offered rate (open loop), phase ${phase}`);
    p();
    p(
      `bench/open-loop.mjs on the wrk core: ${thousands(rate)} req/s on a fixed schedule, latency measured from each ` +
        `request's intended send time (no coordinated omission); medians over ${Math.max(...targets.map((t) => stats[t].n))} interleaved runs. ` +
        '"gen lag p99" is how late the generator itself sent (its own floor; direct-nginx shows the floor of the whole setup).',
    );
    p();
    p(
      '| target | achieved req/s | p50 ms | p90 ms | p99 ms | p99 per run | p99.9 ms | max ms | p99 ÷ nginx p99 | p99.9 ÷ nginx p99.9 | target CPU % | gen lag p99 ms | max steal % | max others % | non-2xx / errors / unfinished |',
    );
    p('|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
    for (const t of targets) {
      const s = stats[t];
      const bold = t.startsWith('keel') ? '**' : '';
      p(
        `| ${bold}${t}${bold} | ${thousands(s.achieved)} | ${fmt(s.p50, 2)} | ${fmt(s.p90, 2)} | ${bold}${fmt(s.p99, 2)}${bold} | ${s.p99s.map((x) => fmt(x, 2)).join(', ')} | ` +
          `${fmt(s.p999, 2)} | ${fmt(s.max, 1)} | ${fmt(s.p99 / nginx99, 2)} | ${fmt(s.p999 / stats.nginx?.p999, 2)} | ${fmt(s.srv)} | ${fmt(s.lag99, 2)} | ${fmt(s.steal, 1)} | ${fmt(s.others)} | ${s.bad.join(' / ')} |`,
      );
    }
    if (phase === 'soak' && stats.keel && stats.nginx) {
      const r = stats.keel.p999 / stats.nginx.p999;
      p();
      p(
        `Soak at ${thousands(rate)} req/s for ${fmt(stats.keel.durationS)} s: Keel p99.9 ÷ nginx p99.9 **${fmt(r, 2)}** ` +
          `(target ≤ 3.00 → ${r <= 3 ? 'MET' : 'NOT MET'}), Keel's max ${fmt(stats.keel.max, 1)} ms ` +
          `(target ≤ 250 ms with healthy hosts → ${stats.keel.max <= 250 ? 'MET' : 'NOT MET'}); see docs/benchmarks.md, "Targets".`,
      );
    } else if (stats.keel && nginx99) {
      const r = stats.keel.p99 / nginx99;
      // Median over rounds of the within-round ratio: a stall of the box hits one round, both targets.
      const p99Of = (t, run) => Number(pr.find((x) => x.target === t && x.run === run)?.p99);
      const perRound = median(
        pr.filter((x) => x.target === 'keel').map((x) => x.p99 / p99Of('nginx', x.run)),
      );
      p();
      p(
        `Keel p99 ÷ nginx p99 at ${thousands(rate)} req/s: **${fmt(r, 2)}** of medians, ${fmt(perRound, 2)} per round ` +
          `(target ≤ 2.00 → ${r <= 2 ? 'MET' : 'NOT MET'}). Stalls adding up to 1 % of the run (${fmt(stats.keel.durationS * 10)} ms of ${fmt(stats.keel.durationS)} s) ` +
          'move a p99 measured this way, so read it with the "p99 per run" column and "max others %".',
      );
    }
    const direct = stats['direct-nginx'];
    if (direct && direct.achieved < 0.98 * direct.rate) {
      p();
      p(
        `**Warning: the generator reached only ${thousands(direct.achieved)} of ${thousands(direct.rate)} req/s against direct-nginx — lower RATE.**`,
      );
    }
  }
}
console.log(out.join('\n'));
