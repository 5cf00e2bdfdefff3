import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatTraceparent, parseTraceparent, type TraceParent } from './traceparent.js';

const blank = (): TraceParent => ({ traceId: '', parentSpanId: '', traceFlags: -1 });
const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const traceId = hex(32).filter((s) => /[1-9a-f]/.test(s));
const spanId = hex(16).filter((s) => /[1-9a-f]/.test(s));

describe('traceparent (W3C Trace Context §3.2)', () => {
  it('parses the spec example', () => {
    const out = blank();
    assert.ok(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', out));
    assert.deepEqual(out, {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
      traceFlags: 1,
    });
  });

  it('format ∘ parse is the identity on valid version-00 values', () => {
    fc.assert(
      fc.property(traceId, spanId, fc.constantFrom('00', '01'), (t, s, f) => {
        const v = `00-${t}-${s}-${f}`;
        const out = blank();
        assert.ok(parseTraceparent(v, out));
        assert.equal(formatTraceparent(out.traceId, out.parentSpanId, out.traceFlags), v);
      }),
    );
  });

  it('keeps only the sampled flag when formatting', () => {
    const out = blank();
    assert.ok(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03', out));
    assert.equal(out.traceFlags, 3);
    assert.match(formatTraceparent(out.traceId, 'aaaaaaaaaaaaaaaa', out.traceFlags), /-01$/);
    assert.match(formatTraceparent(out.traceId, 'aaaaaaaaaaaaaaaa', 2), /-00$/);
  });

  it('rejects the invalid forms the spec names', () => {
    const t = '4bf92f3577b34da6a3ce929d0e0e4736';
    const s = '00f067aa0ba902b7';
    for (const v of [
      '',
      `00-${t}-${s}`, // too short
      `00-${'0'.repeat(32)}-${s}-01`, // all-zero trace id
      `00-${t}-${'0'.repeat(16)}-01`, // all-zero parent id
      `ff-${t}-${s}-01`, // version ff
      `00-${t.toUpperCase()}-${s}-01`, // upper-case hex
      `00-${t}-${s}-01-extra`, // version 00 is exactly 55 characters
      `0g-${t}-${s}-01`,
      `00_${t}-${s}-01`,
      `00-${t}-${s}-0x`,
    ]) {
      const out = blank();
      assert.equal(parseTraceparent(v, out), false, v);
      assert.deepEqual(out, blank(), 'the output is untouched');
    }
  });

  it('reads a future version by its first four fields (§3.2.4)', () => {
    const t = '4bf92f3577b34da6a3ce929d0e0e4736';
    const s = '00f067aa0ba902b7';
    assert.ok(parseTraceparent(`01-${t}-${s}-01`, blank()));
    assert.ok(parseTraceparent(`cc-${t}-${s}-01-what-the-future-holds`, blank()));
    assert.equal(parseTraceparent(`cc-${t}-${s}-01.what`, blank()), false);
  });

  it('never throws, and accepts only what formats back to itself (modulo version and flags)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (v) => {
        const out = blank();
        if (parseTraceparent(v, out)) {
          assert.equal(formatTraceparent(out.traceId, out.parentSpanId, 0).slice(3, 52), v.slice(3, 52));
        }
      }),
    );
  });

  it('rejects any one-character corruption of a valid value that breaks the grammar', () => {
    fc.assert(
      fc.property(traceId, spanId, fc.nat(54), fc.constantFrom('-', 'G', 'A', ' ', 'z'), (t, s, i, c) => {
        const v = `00-${t}-${s}-01`;
        const bad = v.slice(0, i) + c + v.slice(i + 1);
        if (bad !== v) assert.equal(parseTraceparent(bad, blank()), false, bad);
      }),
    );
  });
});
