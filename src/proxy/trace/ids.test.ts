import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TraceIds } from './ids.js';

describe('TraceIds', () => {
  it('draws hex ids of 16 and 8 bytes, refilling the pool when it runs out', () => {
    let fills = 0;
    const ids = new TraceIds((b) => {
      fills++;
      b.fill(fills);
    }, 32);
    assert.equal(ids.traceId(), '01'.repeat(16));
    assert.equal(ids.spanId(), '01'.repeat(8));
    assert.equal(ids.spanId(), '01'.repeat(8));
    assert.equal(fills, 1);
    assert.equal(ids.spanId(), '02'.repeat(8), 'a fresh fill once 32 bytes are used');
  });

  it('never returns an all-zero id (invalid per W3C Trace Context §3.2.2.3)', () => {
    let fills = 0;
    const ids = new TraceIds((b) => {
      b.fill(fills++ === 0 ? 0 : 7);
    }, 16);
    assert.equal(ids.traceId(), '07'.repeat(16));
  });

  it('with the real source, ids are unique and well-formed', () => {
    const ids = new TraceIds();
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const t = ids.traceId();
      assert.match(t, /^[0-9a-f]{32}$/);
      seen.add(t);
    }
    assert.equal(seen.size, 2000);
    assert.match(ids.spanId(), /^[0-9a-f]{16}$/);
  });
});
