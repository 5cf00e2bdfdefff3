/**
 * The per-try timeouts a client exchange gets from the gateway's sweep (forward.ts
 * ForwardTry.sweep), with undici's rules: first byte counted from the end of the upload, idle
 * counted only while the client is reading. The hung-upstream and deadline cases are in
 * proxy-resilience.test.ts.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import { after, describe, it } from 'node:test';
import { setTimeout as pace } from 'node:timers/promises';
import { pool, pumpBytes, type Running, startGateway, Upstream, waitFor } from './proxy-util.js';

const cleanup: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function setup(
  handler: ConstructorParameters<typeof Upstream>[1],
  timeouts: Record<string, number>,
): Promise<Running> {
  const up = await new Upstream('app-1', handler).listen();
  const g = await startGateway({
    pools: pool('web', [up], { timeouts }),
    routes: [{ name: 'all', pool: 'web' }],
  });
  cleanup.push(async () => {
    await g.close();
    await up.close();
  });
  return g;
}

describe('per-try timeouts (swept)', () => {
  it('cuts a response whose body stalls, after the idle timeout, as KEEL_ERR_UPSTREAM_IDLE', {
    timeout: 10_000,
  }, async () => {
    const g = await setup(
      (req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial'); // and nothing more
      },
      { idle: 200 },
    );
    const startedAt = performance.now();
    const outcome = await new Promise<{ body: string; error: string }>((resolve) => {
      request(`${g.url}/stall`, { agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('error', (err: NodeJS.ErrnoException) => resolve({ body, error: err.code ?? 'error' }));
        res.on('end', () => resolve({ body, error: '' }));
      }).end();
    });
    const elapsed = performance.now() - startedAt;
    assert.equal(outcome.body, 'partial', 'the bytes before the stall were relayed');
    assert.notEqual(outcome.error, '', 'the client connection was cut, not ended as if complete');
    assert.ok(elapsed >= 190, `cut after ${elapsed.toFixed(0)} ms, not before the idle timeout`);
    await waitFor(() => g.events('request.done').length === 1, 'request.done');
    assert.equal(g.events('request.done')[0]!.errorCode, 'KEEL_ERR_UPSTREAM_IDLE');
    assert.equal(g.events('try.done')[0]!.error, 'idle');
  });

  it('counts the first-byte timeout from the end of a slow upload, not from its start', {
    timeout: 10_000,
  }, async () => {
    let received = 0;
    const g = await setup(
      (req) => {
        req.on('data', (c: Buffer) => {
          received += c.length;
        });
        // reads the whole body, then never answers
      },
      { first_byte: 150 },
    );
    const req = request(`${g.url}/upload`, { method: 'POST', agent: false });
    const answer = new Promise<{ status: number; error: string }>((resolve) => {
      req.on('response', (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, error: res.headers['x-keel-error'] as string }),
        );
      });
      req.on('error', (err: NodeJS.ErrnoException) => resolve({ status: 0, error: err.code ?? 'error' }));
    });
    // A client sending its body over ~4x the first-byte timeout (pacing the input, not waiting on state).
    for (let i = 0; i < 4; i++) {
      req.write(Buffer.alloc(1024, 0x61));
      await pace(150);
    }
    req.end();
    const uploadEndAt = performance.now();
    const r = await answer;
    const afterUpload = performance.now() - uploadEndAt;
    assert.equal(received, 4096, 'the whole body reached the upstream');
    assert.deepEqual(r, { status: 504, error: 'KEEL_ERR_UPSTREAM_TIMEOUT' });
    assert.ok(afterUpload >= 120, `timed out ${afterUpload.toFixed(0)} ms after the upload ended`);
    assert.equal(g.events('try.done')[0]!.error, 'timeout');
  });

  it('does not cut a response while the client is not reading it (backpressure)', {
    timeout: 10_000,
  }, async () => {
    const MB = 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x62);
    const g = await setup(
      (req, res) => {
        req.resume();
        pumpBytes(res, 8 * MB, chunk);
      },
      { idle: 100 },
    );
    const req = request(`${g.url}/big`, { agent: false });
    req.end();
    const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
    res.pause();
    // The client reads nothing for 5x the idle timeout: both sockets fill and the stream pauses.
    await pace(500);
    let received = 0;
    let error = '';
    res.on('data', (c: Buffer) => {
      received += c.length;
    });
    res.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code ?? 'error';
    });
    res.resume();
    await once(res, 'end').catch(() => undefined);
    assert.equal(error, '');
    assert.equal(received, 8 * MB);
    await waitFor(() => g.events('try.done').length === 1, 'try.done');
    assert.equal(g.events('try.done')[0]!.error, '');
  });
});
