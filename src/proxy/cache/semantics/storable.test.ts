import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Fields } from './fields.js';
import { isStorable, storeRefusal } from './storable.js';

const GET = { method: 'GET', headers: {} };
const res = (status: number, headers: Fields = {}) => ({ status, headers });

describe('storing responses in a shared cache (RFC 9111 §3)', () => {
  const table: [string, { method: string; headers: Fields }, ReturnType<typeof res>, string | null][] = [
    ['a plain 200 (heuristically cacheable)', GET, res(200), null],
    ['404 is cacheable by default', GET, res(404), null],
    ['302 needs explicit freshness', GET, res(302), 'no-freshness'],
    ['302 with max-age', GET, res(302, { 'cache-control': 'max-age=60' }), null],
    ['500 with Expires', GET, res(500, { expires: 'Sun, 06 Nov 1994 08:49:37 GMT' }), null],
    ['POST is not stored', { method: 'POST', headers: {} }, res(200), 'method'],
    ['HEAD is served from the GET, not stored', { method: 'HEAD', headers: {} }, res(200), 'method'],
    ['206 is not stored (no Range support, §3.3)', GET, res(206), 'status'],
    ['304 is not stored', GET, res(304), 'status'],
    ['1xx is not final', GET, res(103), 'status'],
    ['response no-store', GET, res(200, { 'cache-control': 'no-store' }), 'no-store'],
    [
      'request no-store (§5.2.1.5)',
      { method: 'GET', headers: { 'cache-control': 'no-store' } },
      res(200),
      'no-store',
    ],
    ['private (§5.2.2.7)', GET, res(200, { 'cache-control': 'private, max-age=60' }), 'private'],
    ['Vary: * never matches', GET, res(200, { vary: 'Accept, *' }), 'vary-star'],
    [
      'must-understand with an unknown status',
      GET,
      res(299, { 'cache-control': 'must-understand, max-age=5' }),
      'must-understand',
    ],
    [
      'CDN-Cache-Control overrides no-store',
      GET,
      res(200, { 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=9' }),
      null,
    ],
  ];
  for (const [name, req, r, want] of table) it(name, () => assert.equal(storeRefusal(req, r), want));

  describe('Authorization (§3.5)', () => {
    const authed = { method: 'GET', headers: { authorization: 'Bearer x' } };
    for (const [cc, ok] of [
      ['max-age=60', false],
      ['public', true],
      ['must-revalidate, max-age=60', true],
      ['s-maxage=60', true],
    ] as const) {
      it(`${cc} → ${ok ? 'stored' : 'not stored'}`, () =>
        assert.equal(isStorable(authed, res(200, { 'cache-control': cc })), ok));
    }
  });

  it('a response with no-store is never storable (property)', () => {
    const directive = fc.constantFrom(
      'public',
      'max-age=60',
      's-maxage=5',
      'must-revalidate',
      'immutable',
      'x=1',
    );
    fc.assert(
      fc.property(
        fc.array(directive),
        fc.nat({ max: 1000 }),
        fc.integer({ min: 100, max: 599 }),
        fc.boolean(),
        (others, pos, status, auth) => {
          const list: string[] = [...others];
          list.splice(pos % (list.length + 1), 0, 'NO-STORE');
          const headers = auth ? { authorization: 'Basic x' } : {};
          assert.equal(
            isStorable({ method: 'GET', headers }, res(status, { 'cache-control': list.join(', ') })),
            false,
          );
        },
      ),
    );
  });
});
