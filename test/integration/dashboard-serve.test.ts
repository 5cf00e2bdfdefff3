/**
 * The dashboard as the admin server serves it (docs/dashboard.md), without a browser:
 * the page and its code with the right types and no link outside the server, uPlot from
 * node_modules, and GET /api/v1/series with its shape once traffic has gone through `keel demo`.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { SeriesResponse } from '../../src/admin/api-types.js';
import { type Demo, startDemo } from '../../src/cli/demo-start.js';
import { createLogger } from '../../src/telemetry/logging.js';

let demo: Demo;

before(async () => {
  demo = await startDemo({
    port: 0,
    adminPort: 0,
    upstreamPorts: [0, 0, 0],
    logger: createLogger({ level: 'silent' }),
  });
});
after(() => demo?.close());

const EXTERNAL = /https?:\/\//;

describe('dashboard files', () => {
  it('GET / is the page, with no URL outside this server', async () => {
    const r = await fetch(`${demo.adminUrl}/`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
    assert.equal(r.headers.get('cache-control'), 'no-cache');
    const html = await r.text();
    assert.doesNotMatch(html, EXTERNAL);
    for (const src of ['/assets/uplot.js', '/assets/uplot.css', '/dashboard/app.js', '/dashboard/style.css'])
      assert.ok(html.includes(`"${src}"`), src);
  });

  it('every file of dashboard/ is served, with its type, and links nowhere else', async () => {
    for (const f of readdirSync('dashboard')) {
      const r = await fetch(`${demo.adminUrl}/dashboard/${f}`);
      if (f === 'index.html') continue; // served at /
      assert.equal(r.status, 200, f);
      const type = f.endsWith('.js') ? /^text\/javascript/ : /^text\/css/;
      assert.match(r.headers.get('content-type') ?? '', type, f);
      assert.doesNotMatch(readFileSync(`dashboard/${f}`, 'utf8'), EXTERNAL, f);
    }
  });

  it('serves uPlot from node_modules', async () => {
    const js = await fetch(`${demo.adminUrl}/assets/uplot.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.match(await js.text(), /uPlot/);
    const css = await fetch(`${demo.adminUrl}/assets/uplot.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
  });
});

describe('GET /api/v1/series', () => {
  it('has RED per route and pool after traffic', async () => {
    for (let i = 0; i < 10; i++) assert.equal((await fetch(`${demo.gatewayUrl}/x`)).status, 200);
    // The step in progress is not reported: poll until the traffic's 2 s step has closed.
    const deadline = Date.now() + 10_000;
    let s: SeriesResponse | null = null;
    while (Date.now() < deadline) {
      s = (await (await fetch(`${demo.adminUrl}/api/v1/series?minutes=1`)).json()) as SeriesResponse;
      if ((s.routes.app?.rps ?? []).reduce((a, b) => a + b, 0) * s.step_seconds >= 10) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(s);
    assert.equal(s.step_seconds, 2);
    assert.equal(s.timestamps.length, 30);
    for (const red of [s.routes.app, s.pools.app]) {
      assert.ok(red);
      for (const k of ['rps', 'error_rate', 'p50_ms', 'p95_ms', 'p99_ms'] as const)
        assert.equal(red[k].length, 30, k);
      const total: number = red.rps.reduce((a, b) => a + b, 0) * s.step_seconds;
      assert.equal(total, 10);
      const i = red.rps.findIndex((v) => v > 0);
      assert.equal(red.error_rate[i], 0);
      assert.equal(typeof red.p99_ms[i], 'number');
    }
  });

  it('refuses minutes outside (0, 15]', async () => {
    for (const q of ['0', '16', 'abc']) {
      const r = await fetch(`${demo.adminUrl}/api/v1/series?minutes=${q}`);
      assert.equal(r.status, 400, q);
    }
  });
});
