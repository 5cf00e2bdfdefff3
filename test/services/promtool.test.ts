/**
 * The exposition passes `promtool check metrics` (Debian package `prometheus`): names, types,
 * HELP text, units and suffixes as Prometheus's own linter wants them. The scrape comes from a
 * real gateway that served traffic of every kind the metrics record (matched, unmatched, retried).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { scrape, startKeel } from '../integration/metrics-util.js';
import { pool, send, upstreams } from '../integration/proxy-util.js';

const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

describe('promtool check metrics', () => {
  it('finds no problem in a real /metrics scrape', async () => {
    const ups = await upstreams(2);
    ups[0]!.handler = (req, res) => {
      req.resume();
      res.writeHead(503).end('busy');
    };
    const keel = await startKeel({
      pools: pool('web', ups, {
        health: { active: { path: '/', interval: '100ms', timeout: '50ms' } },
        concurrency: { max_in_flight: 10 },
      }),
      routes: [{ name: 'api', match: { path_prefix: '/api' }, pool: 'web' }],
    });
    cleanup.push(async () => {
      await keel.app.shutdown('test');
      await Promise.all(ups.map((u) => u.close()));
    });
    for (let i = 0; i < 20; i++) await send(`${keel.url}/api/${i}`);
    await send(`${keel.url}/elsewhere`, { method: 'BREW' });

    const { text } = await scrape(keel.admin);
    assert.match(text, /http_server_request_duration_seconds_bucket/);
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(r.error, undefined, 'promtool runs (Debian package prometheus)');
    assert.equal(r.status, 0, `promtool exit ${r.status}:\n${r.stdout}${r.stderr}`);
    assert.equal(`${r.stdout}${r.stderr}`.trim(), '', 'no problems printed');
  });
});
