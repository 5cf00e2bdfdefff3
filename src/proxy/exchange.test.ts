import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';

/**
 * Every exchange must share one hidden class (docs/architecture.md, "No allocation on the hot
 * path"; fastify's test/same-shape.test.js): a field added outside the constructor, or a field
 * whose type changes shape, would make the request path megamorphic. So must its try hand-over.
 * V8's %HaveSameMap needs --allow-natives-syntax, so the check runs in a child process; the writes
 * below are every write the chain makes (grep "ex.<field> =" and "nextTry.<field> =").
 */
const script = `
const { Exchange } = await import(process.argv[1]);
const req = (method) => ({ method, rawHeaders: [], headers: {} });
const fresh = new Exchange(req('GET'), {}, {}, {}, 1);
const used = new Exchange(req('POST'), {}, {}, {}, 2);
const t = setTimeout(() => {}, 1000);
clearTimeout(t);
Object.assign(used, {
  host: 'a.test', contentLength: 10, chunked: false, framing: '', requestId: 'r', upHeaders: ['a', 'b'],
  route: { name: 'r' }, target: '/x', deadline: 123, body: Buffer.alloc(1), replayable: false,
  state: 1, status: 200, errorCode: 'KEEL_ERR_INTERNAL', answerHost: 'h', retryAfterMs: 5, shed: true,
  lastKind: 'connect', lastCode: 'KEEL_ERR_UPSTREAM_CONNECT', tries: 2, retries: 1, hedges: 1,
  firstHostId: 'h:1', tried: new Set(['h:1']), retryTimer: t, queueTimer: t, ticket: { id: 1 }, endpoint: {},
  hedgeQueue: { drop() {} }, hedgeSlot: 3,
  slot: {}, livePrev: fresh, liveNext: fresh, inLive: true, traceId: 't', spanId: 's', parentSpanId: 'p',
  traceFlags: 1, traceState: 'x', cacheJob: {}, capture: {}, cacheOutcome: 'hit',
});
used.live.push({});
Object.assign(used.nextTry, { host: { id: 'h' }, token: true, hedge: true, recorder: { record() {} }, spanId: 's' });
const taken = new Exchange(req('GET'), {}, {}, {}, 3);
Object.assign(taken.nextTry, used.nextTry);
taken.nextTry.clear();
console.log(JSON.stringify({
  same: %HaveSameMap(fresh, used),
  keys: Object.keys(fresh).length,
  handover: %HaveSameMap(fresh.nextTry, used.nextTry) && %HaveSameMap(fresh.nextTry, taken.nextTry),
}));
`;

describe('Exchange', () => {
  it('keeps one hidden class whatever the request went through', () => {
    const url = new URL('./exchange.js', import.meta.url).href;
    const out = execFileSync(
      process.execPath,
      ['--allow-natives-syntax', '--input-type=module', '-e', script, url],
      {
        encoding: 'utf8',
      },
    );
    const r = JSON.parse(out) as { same: boolean; keys: number; handover: boolean };
    assert.equal(r.same, true);
    assert.ok(r.keys > 30);
    assert.equal(r.handover, true, 'the try hand-over keeps one hidden class too');
  });
});
