import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, describe, it } from 'node:test';
import { scriptedRandom } from '../core/random.js';
import { parseFault } from './fault.js';
import { DemoFleet } from './fleet.js';
import { DemoUpstream } from './upstream.js';

interface Answer {
  status: number;
  body: Record<string, unknown>;
  ms: number;
}

function get(port: number, path = '/'): Promise<Answer> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), ms: performance.now() - start }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('DemoUpstream', () => {
  const up = new DemoUpstream({ name: 'app-1', port: 0 }, { random: scriptedRandom([0.5]) });
  after(() => up.close());

  it('answers JSON naming itself, and /healthz', async () => {
    await up.start();
    const a = await get(up.port, '/hello');
    assert.equal(a.status, 200);
    assert.equal(a.body.upstream, 'app-1');
    assert.equal(a.body.path, '/hello');
    assert.equal(typeof a.body.time, 'string');
    const h = await get(up.port, '/healthz');
    assert.deepEqual(h.body, { status: 'pass', upstream: 'app-1' });
  });

  it('down refuses connections; ok answers again on the same port', async () => {
    const port = up.port;
    await up.setFault({ mode: 'down', latency_ms: 0, error_rate: 0 });
    await assert.rejects(get(port), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED');
    await up.setFault({ mode: 'ok', latency_ms: 0, error_rate: 0 });
    assert.equal(up.port, port);
    assert.equal((await get(port)).status, 200);
  });

  it('slow adds latency', async () => {
    await up.setFault({ mode: 'slow', latency_ms: 150, error_rate: 0 });
    const a = await get(up.port);
    assert.equal(a.status, 200);
    assert.ok(a.ms >= 140, `took ${a.ms}ms`);
    await up.setFault({ mode: 'ok', latency_ms: 0, error_rate: 0 });
  });

  it('errors answers 500 with probability error_rate (random injected)', async () => {
    await up.setFault({ mode: 'errors', latency_ms: 0, error_rate: 1 });
    assert.equal((await get(up.port)).status, 500);
    // scripted random 0.5: fails when 0.5 < rate
    await up.setFault({ mode: 'errors', latency_ms: 0, error_rate: 0.4 });
    assert.equal((await get(up.port)).status, 200);
    await up.setFault({ mode: 'errors', latency_ms: 0, error_rate: 0.6 });
    assert.equal((await get(up.port)).status, 500);
    await up.setFault({ mode: 'ok', latency_ms: 0, error_rate: 0 });
    assert.equal((await get(up.port)).status, 200);
  });
});

describe('DemoUpstream: a fault scoped to a path (one broken endpoint)', () => {
  const up = new DemoUpstream({ name: 'app-2', port: 0 }, { random: scriptedRandom([0.5]) });
  after(() => up.close());

  it('errors meet only the paths under path_prefix, at a segment boundary', async () => {
    await up.start();
    await up.setFault({ mode: 'errors', latency_ms: 0, error_rate: 1, path_prefix: '/broken' });
    for (const path of ['/broken', '/broken/7', '/broken?x=1']) {
      assert.equal((await get(up.port, path)).status, 500, path);
    }
    for (const path of ['/brokenx', '/hello', '/', '/other/broken']) {
      assert.equal((await get(up.port, path)).status, 200, path);
    }
    assert.equal(up.view().fault.path_prefix, '/broken');
  });

  it('slow meets only the paths under path_prefix; a fault without a path meets every path', async () => {
    await up.setFault({ mode: 'slow', latency_ms: 150, error_rate: 0, path_prefix: '/reports' });
    assert.ok((await get(up.port, '/reports/1')).ms >= 140);
    assert.ok((await get(up.port, '/fast')).ms < 140);
    await up.setFault({ mode: 'errors', latency_ms: 0, error_rate: 1 });
    assert.equal((await get(up.port, '/anything')).status, 500);
    assert.equal(up.view().fault.path_prefix, undefined);
    await up.setFault({ mode: 'ok', latency_ms: 0, error_rate: 0 });
  });
});

describe('parseFault', () => {
  it('takes an optional path_prefix for slow and errors faults', () => {
    assert.deepEqual(parseFault({ mode: 'errors', error_rate: 1, path_prefix: '/broken' }), {
      ok: true,
      fault: { mode: 'errors', latency_ms: 0, error_rate: 1, path_prefix: '/broken' },
    });
    assert.deepEqual(parseFault({ mode: 'errors', path_prefix: null }), {
      ok: true,
      fault: { mode: 'errors', latency_ms: 0, error_rate: 1 },
    });
    for (const [body, needle] of [
      [{ mode: 'errors', path_prefix: 'broken' }, 'starting with "/"'],
      [{ mode: 'errors', path_prefix: '/a b' }, 'path_prefix'],
      [{ mode: 'errors', path_prefix: 7 }, 'path_prefix'],
      [{ mode: 'down', path_prefix: '/broken' }, 'only "slow" and "errors"'],
      [{ mode: 'ok', path_prefix: '/broken' }, 'whole host'],
    ] as const) {
      const r = parseFault(body);
      assert.equal(r.ok, false, JSON.stringify(body));
      if (!r.ok) assert.match(r.message, new RegExp(needle));
    }
  });

  it('fills defaults per mode', () => {
    assert.deepEqual(parseFault({ mode: 'slow' }), {
      ok: true,
      fault: { mode: 'slow', latency_ms: 2000, error_rate: 0 },
    });
    assert.deepEqual(parseFault({ mode: 'errors' }), {
      ok: true,
      fault: { mode: 'errors', latency_ms: 0, error_rate: 1 },
    });
    assert.deepEqual(parseFault({ mode: 'ok', latency_ms: 30 }), {
      ok: true,
      fault: { mode: 'ok', latency_ms: 30, error_rate: 0 },
    });
  });
  it('refuses bad bodies with a clear message', () => {
    for (const [body, needle] of [
      [null, 'JSON object'],
      [[], 'JSON object'],
      [{ mode: 'boom' }, 'mode'],
      [{ mode: 'slow', latency_ms: -1 }, 'latency_ms'],
      [{ mode: 'slow', latency_ms: 1.5 }, 'latency_ms'],
      [{ mode: 'errors', error_rate: 2 }, 'error_rate'],
      [{ mode: 'ok', extra: 1 }, 'extra'],
    ] as const) {
      const r = parseFault(body);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.message, new RegExp(needle));
    }
  });
});

describe('DemoFleet', () => {
  const fleet = new DemoFleet({ ports: [0, 0, 0] });
  after(() => fleet.close());
  it('starts app-1..3 and applies faults by name', async () => {
    await fleet.start();
    assert.deepEqual(fleet.names, ['app-1', 'app-2', 'app-3']);
    const r = await fleet.applyFault('app-2', { mode: 'down' });
    assert.equal(r.ok, true);
    await assert.rejects(get(fleet.get('app-2')!.port));
    const bad = await fleet.applyFault('app-9', { mode: 'down' });
    assert.deepEqual(bad, {
      ok: false,
      status: 404,
      message: 'unknown upstream "app-9" (known: app-1, app-2, app-3)',
    });
    const bad2 = await fleet.applyFault('app-1', { mode: 'nope' });
    assert.equal(bad2.ok === false && bad2.status, 400);
    assert.equal((await fleet.applyFault('app-2', { mode: 'ok' })).ok, true);
    assert.equal((await get(fleet.get('app-2')!.port)).status, 200);
    assert.equal(fleet.list().length, 3);
  });
});
