/**
 * Issue 2, "How it is checked": SIGTERM under load drops no request. Every request either
 * completes with 200 or is refused at connect (the listener is closed); none is reset or
 * answered 5xx mid-request, and the process exits 0.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DemoUpstream } from '../../src/demo/upstream.js';
import { freePort, getJson, keepAliveAgent, loadLoop, spawnKeel, waitFor } from './control-util.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-shutdown-'));
const upstream = new DemoUpstream({ name: 'slowish', port: 0 });
after(async () => {
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('graceful shutdown', () => {
  it('SIGTERM under load: every request completes or is refused at connect; exit 0', async () => {
    await upstream.start();
    // In flight at the moment of SIGTERM: each request takes ~150ms upstream.
    await upstream.setFault({ mode: 'ok', latency_ms: 150, error_rate: 0 });
    const [port, adminPort] = [await freePort(), await freePort()];
    const path = join(dir, 'keel.yaml');
    writeFileSync(
      path,
      `listeners: [{ port: ${port} }]\nadmin: { port: ${adminPort} }\nshutdown: { drain_timeout: 5s }\n` +
        `pools:\n  app: { hosts: ["${upstream.url}"] }\nroutes:\n  - pool: app\n`,
    );
    const keel = spawnKeel(['run', '-c', path, '--workers', '1']);
    try {
      await waitFor('readiness', () => getJson(`http://127.0.0.1:${adminPort}/readyz`), 15_000);
      const agent = keepAliveAgent();
      const loop = loadLoop(`http://127.0.0.1:${port}/work`, {
        concurrency: 8,
        agent,
        until: (o) => o.status !== 200,
      });
      await waitFor('load', () => (loop.outcomes.length >= 40 ? true : undefined));
      const before = loop.outcomes.length;
      keel.child.kill('SIGTERM');
      const exit = await keel.exited;
      await loop.done;
      agent.destroy();
      const bad = loop.outcomes.filter((o) => o.status !== 200 && o.error !== 'ECONNREFUSED');
      assert.deepEqual(bad, [], `bad outcomes; log:\n${keel.output()}`);
      assert.ok(loop.outcomes.length > before, 'requests in flight at SIGTERM completed');
      assert.deepEqual(exit, { code: 0, signal: null }, keel.output());
      // The started line says which heap-growth rule the process runs with (default 300).
      assert.match(keel.output(), /"event":"started".*"heap_growth_percent":300/);
    } finally {
      keel.child.kill('SIGKILL');
    }
  });
});
