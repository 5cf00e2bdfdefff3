import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';

/**
 * Every exchange must share one hidden class (STYLE.md §10; fastify's test/same-shape.test.js):
 * a field added outside the constructor, or a field whose type changes shape, would make the
 * request path megamorphic. V8's %HaveSameMap needs --allow-natives-syntax, so the check runs in
 * a child process; the writes below are every write the chain makes (grep "ex.<field> =").
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
  firstHostId: 'h:1', tried: new Set(['h:1']), picked: { id: 'h' }, tokenPending: true, hedgePending: true,
  breakerPending: { record() {} }, retryTimer: t, hedgeTimer: t, queueTimer: t, ticket: { id: 1 }, slot: {},
  livePrev: fresh, liveNext: fresh, inLive: true,
});
used.live.push({});
console.log(JSON.stringify({ same: %HaveSameMap(fresh, used), keys: Object.keys(fresh).length }));
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
    const r = JSON.parse(out) as { same: boolean; keys: number };
    assert.equal(r.same, true);
    assert.ok(r.keys > 30);
  });
});
