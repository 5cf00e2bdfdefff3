import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { contentRange, rangeOf } from './range.js';

const stored = { etag: '"v1"', 'last-modified': 'Wed, 25 Nov 2026 10:00:00 GMT' };
const of = (req: Record<string, string>, size = 100) => rangeOf(req, stored, size);

test('rangeOf: one bytes range of the stored body (RFC 9110 §14.1.2)', () => {
  assert.deepEqual(of({ range: 'bytes=0-9' }), { kind: 'partial', start: 0, end: 9 });
  assert.deepEqual(of({ range: 'bytes=90-' }), { kind: 'partial', start: 90, end: 99 });
  assert.deepEqual(of({ range: 'bytes=-10' }), { kind: 'partial', start: 90, end: 99 });
  assert.deepEqual(
    of({ range: 'bytes=-500' }),
    { kind: 'partial', start: 0, end: 99 },
    'suffix longer than the body',
  );
  assert.deepEqual(
    of({ range: 'bytes=50-5000' }),
    { kind: 'partial', start: 50, end: 99 },
    'last-pos clipped',
  );
  assert.deepEqual(of({ range: 'Bytes = 1-1' }), { kind: 'partial', start: 1, end: 1 });
});

test('rangeOf: past the end is 416; what it does not serve gets the whole body', () => {
  assert.deepEqual(of({ range: 'bytes=100-' }), { kind: 'unsatisfiable' });
  assert.deepEqual(of({ range: 'bytes=-0' }), { kind: 'unsatisfiable' });
  assert.deepEqual(
    of({ range: 'bytes=0-0' }, 0),
    { kind: 'unsatisfiable' },
    'nothing of an empty body exists',
  );
  for (const range of ['bytes=0-1,5-6', 'items=0-1', 'bytes=5-1', 'bytes=a-b', 'bytes=-', 'bytes 0-1'])
    assert.deepEqual(of({ range }), { kind: 'full' }, range);
  assert.deepEqual(of({}), { kind: 'full' });
});

test('rangeOf: If-Range must match — a strong entity tag or exactly the Last-Modified date (§13.1.5)', () => {
  const r = { range: 'bytes=0-9' };
  assert.equal(of({ ...r, 'if-range': '"v1"' }).kind, 'partial');
  assert.equal(of({ ...r, 'if-range': '"v0"' }).kind, 'full');
  assert.equal(of({ ...r, 'if-range': 'W/"v1"' }).kind, 'full', 'a weak tag never matches');
  assert.equal(of({ ...r, 'if-range': 'Wed, 25 Nov 2026 10:00:00 GMT' }).kind, 'partial');
  assert.equal(of({ ...r, 'if-range': 'Thu, 26 Nov 2026 10:00:00 GMT' }).kind, 'full');
  assert.equal(rangeOf({ ...r, 'if-range': '"v1"' }, { etag: 'W/"v1"' }, 100).kind, 'full');
});

test('rangeOf: a partial answer always lies inside the body, and Content-Range names it', () => {
  fc.assert(
    fc.property(fc.nat(10_000), fc.option(fc.nat(20_000)), fc.option(fc.nat(20_000)), (size, a, b) => {
      if (a === null && b === null) return;
      const range = `bytes=${a ?? ''}-${b ?? ''}`;
      const r = rangeOf({ range }, {}, size);
      if (r.kind !== 'partial') return;
      assert.ok(
        r.start >= 0 && r.start <= r.end && r.end < size,
        `${range} of ${size}: ${JSON.stringify(r)}`,
      );
      assert.equal(contentRange(r, size), `bytes ${r.start}-${r.end}/${size}`);
    }),
  );
  assert.equal(contentRange({ kind: 'unsatisfiable' }, 7), 'bytes */7');
});
