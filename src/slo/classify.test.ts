import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileClassifier } from './classify.js';
import { done, ROUTES, sloOf } from './fixture.test.js';

test('availability: 5xx and shed are bad; 4xx good unless client_errors_bad; bad_statuses; other routes skip', () => {
  const c = compileClassifier(sloOf({ routes: ['api'] }), ROUTES);
  assert.equal(c(done({ status: 200 })), 'good');
  assert.equal(c(done({ status: 404 })), 'good');
  assert.equal(c(done({ status: 500 })), 'bad');
  assert.equal(c(done({ status: 503, errorCode: 'KEEL_ERR_SHED', shed: true })), 'bad');
  assert.equal(c(done({ status: 502, errorCode: 'KEEL_ERR_UPSTREAM' })), 'bad');
  assert.equal(c(done({ status: 500, route: 'auth' })), 'skip');
  assert.equal(c(done({ status: 404, route: '' })), 'skip');
  assert.equal(c(done({ status: 0 })), 'skip');
  const strict = compileClassifier(sloOf({ good: { client_errors_bad: true, bad_statuses: [429] } }), ROUTES);
  assert.equal(strict(done({ status: 404 })), 'bad');
  assert.equal(strict(done({ status: 200, route: 'auth' })), 'good', 'no routes = every route');
  const limited = compileClassifier(sloOf({ good: { bad_statuses: [429] } }), ROUTES);
  assert.equal(limited(done({ status: 429 })), 'bad');
  assert.equal(limited(done({ status: 404 })), 'good');
});

test('error_rate: the same bad as availability', () => {
  const c = compileClassifier(sloOf({ kind: 'error_rate' }), ROUTES);
  assert.deepEqual(
    [200, 404, 500, 504].map((status) => c(done({ status }))),
    ['good', 'good', 'bad', 'bad'],
  );
});

test('latency: good = answered (< 500, not shed) and faster than any threshold', () => {
  const c = compileClassifier(sloOf({ kind: 'latency', latency: { threshold: 237 } }), ROUTES);
  assert.equal(c(done({ durationMs: 236.9 })), 'good');
  assert.equal(c(done({ durationMs: 237 })), 'bad');
  assert.equal(c(done({ durationMs: 5, status: 503 })), 'bad');
  assert.equal(c(done({ durationMs: 5, status: 429, shed: true })), 'bad');
  assert.equal(c(done({ durationMs: 5, status: 404 })), 'good');
});

test('throughput: every request of its routes counts (minutes are judged by the buckets)', () => {
  const c = compileClassifier(
    sloOf({ kind: 'throughput', routes: ['auth'], throughput: { min_rps: 1 } }),
    ROUTES,
  );
  assert.equal(c(done({ route: 'auth', status: 500 })), 'good');
  assert.equal(c(done({ route: 'api' })), 'skip');
});
