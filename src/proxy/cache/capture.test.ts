import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Exchange } from '../exchange.js';
import { Capture, type CaptureOwner } from './capture.js';
import { CacheJob, MISS, NO_FIELDS } from './job.js';
import { PreparedViews } from './prepared.js';

const ex = (name: string) => ({ name }) as unknown as Exchange;
const views = new PreparedViews({ freshness: {}, via: '', browser: null, strip: [] });
const view = views.unstored(200, [['cache-control', 'max-age=60']], 0, 0);

function rig(maxBytes: number) {
  const calls: Array<{ ex: Exchange; ok: boolean }> = [];
  const owner: CaptureOwner = { captured: (e, _cap, ok) => calls.push({ ex: e, ok }) };
  const job = new CacheJob(MISS, 'GET h/a', 0, NO_FIELDS);
  return { calls, cap: new Capture(job, owner, view, 60_000, maxBytes) };
}

describe('Capture', () => {
  it('keeps the chunks of a body within the limit and reports a whole one', () => {
    const { calls, cap } = rig(10);
    cap.data(Buffer.from('abc'));
    cap.data(Buffer.from('def'));
    const done = ex('client');
    cap.complete(done);
    assert.deepEqual(calls, [{ ex: done, ok: true }]);
    assert.equal(cap.body().toString(), 'abcdef');
    assert.deepEqual(cap.chunks, [], 'the chunks are let go');
  });

  it('a body over the limit streams on, is dropped, and is reported as not stored', () => {
    const { calls, cap } = rig(4);
    cap.data(Buffer.from('abc'));
    cap.data(Buffer.from('def'));
    assert.equal(cap.over, true);
    assert.deepEqual(cap.chunks, []);
    cap.data(Buffer.from('more'));
    assert.deepEqual(cap.chunks, [], 'nothing is kept after the limit');
    cap.complete(ex('client'));
    assert.equal(calls.at(-1)?.ok, false);
  });

  it('a client waiting for its deferred 304 is told as soon as the body proves too large', () => {
    const { calls, cap } = rig(2);
    const waiting = ex('waiting');
    cap.waiting = waiting;
    cap.data(Buffer.from('abc'));
    assert.deepEqual(calls, [{ ex: waiting, ok: false }]);
  });

  it('an aborted body is dropped and reported as not stored', () => {
    const { calls, cap } = rig(10);
    cap.data(Buffer.from('abc'));
    const gone = ex('client');
    cap.abort(gone);
    assert.deepEqual(cap.chunks, []);
    assert.deepEqual(calls, [{ ex: gone, ok: false }]);
  });

  it('a discarding capture is not relayed and keeps nothing', () => {
    const owner: CaptureOwner = { captured: () => undefined };
    const cap = Capture.discard(new CacheJob(MISS, 'k', 0, NO_FIELDS), owner);
    assert.equal(cap.relay, false);
    assert.equal(cap.view, null);
    assert.equal(cap.keepMs, 0);
    cap.data(Buffer.from('x'));
    assert.equal(cap.over, true);
  });
});
