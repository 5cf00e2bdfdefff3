/**
 * A host that dies costs nothing, even on a busy machine (docs/proxying.md, "Retries"): the demo
 * pool under 16 concurrent GETs, app-2 taken down through the demo's fault API while two other
 * processes keep the CPU busy. Every try that could not connect, or whose connection the dying
 * host dropped before any answer, goes to another host whatever the retry budget says — the budget
 * used to refuse some of them (the retries of a burst overlap longer on a loaded machine) and those
 * requests got 502 KEEL_ERR_UPSTREAM_CONNECT (or _RESET) after one try.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { after, describe, it } from 'node:test';
import { EventBus, type RequestDoneEvent, type RetryEvent } from '../../src/core/events.js';
import { demoRawConfig } from '../../src/demo/config.js';
import { DemoFleet } from '../../src/demo/fleet.js';
import { createGateway } from '../../src/proxy/gateway.js';
import { makeConfig } from './proxy-util.js';

const busy: ChildProcess[] = [];
const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
  for (const child of busy) if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
});

/** A process that spins on one core until it is killed (by its PID, in after()). */
function spinner(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  busy.push(child);
  return child;
}

function get(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

describe('a host that dies under load on a busy machine', () => {
  it('costs no GET anything: every try that got no answer went to another host', async () => {
    spinner();
    spinner();
    const fleet = new DemoFleet({ ports: [0, 0, 0] });
    await fleet.start();
    const raw = demoRawConfig({ port: 0, adminPort: 0, upstreamUrls: fleet.urls() });
    const bus = new EventBus();
    const failed: RequestDoneEvent[] = [];
    const refused: RetryEvent[] = [];
    bus.on('request.done', (e) => {
      if (e.status !== 200) failed.push(e);
    });
    bus.on('retry', (e) => {
      if (!e.allowed) refused.push(e);
    });
    const gw = createGateway(makeConfig({ pools: raw.pools, routes: raw.routes }), 'v1', { bus });
    const [addr] = await gw.listen();
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    cleanup.push(async () => {
      agent.destroy();
      await gw.close();
      await fleet.close();
    });

    const url = `http://127.0.0.1:${addr!.port}/work`;
    let done = 0;
    let downAt = -1;
    let afterDown = 0;
    const statuses = new Map<number, number>();
    let stop = false;
    const loops = Array.from({ length: 16 }, async () => {
      while (!stop) {
        const status = await get(url, agent);
        done++;
        if (downAt >= 0) {
          afterDown++;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      }
    });
    while (done < 300) await new Promise((r) => setTimeout(r, 5));
    downAt = done;
    const down = await fleet.applyFault('app-2', { mode: 'down' });
    assert.equal(down.ok, true);
    while (afterDown < 800) await new Promise((r) => setTimeout(r, 5));
    stop = true;
    await Promise.all(loops);

    assert.deepEqual(
      [...statuses.keys()],
      [200],
      `statuses after app-2 went down: ${JSON.stringify([...statuses])}`,
    );
    assert.deepEqual(
      failed.map((e) => `${e.status} ${e.errorCode} tries=${e.tries}`),
      [],
    );
    assert.deepEqual(
      refused.filter((e) => (e.reason === 'connect' || e.reason === 'reset') && e.refusedBy === 'budget'),
      [],
      'no try that never got an answer waited on the retry budget',
    );
    const app2 = gw.pools()[0]!.hosts.find((h) => h.name === 'app-2')!;
    assert.notEqual(app2.state, 'healthy', 'app-2 is out of rotation');
  });
});
