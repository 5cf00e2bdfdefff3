import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../core/random.js';
import { type TestHost, tally, testHost } from './hosts.test-util.js';
import { P2cEwmaBalancer, STALE_MS } from './p2c-ewma.js';

const none = { key: undefined, exclude: undefined };

/**
 * Millisecond-step simulation: `rate` requests arrive per ms, each holds its host for the host's
 * latency (its EWMA, as if already learned). Returns each host's share of picks.
 */
function simulate(hosts: TestHost[], rate: number, ms: number, seed: number): Map<string, number> {
  const b = new P2cEwmaBalancer<TestHost>({ random: seededRandom(seed) });
  b.update(hosts);
  const finishing = new Map<number, TestHost[]>();
  const picks: TestHost[] = [];
  for (let t = 0; t < ms; t++) {
    for (const h of finishing.get(t) ?? []) h.inFlight--;
    finishing.delete(t);
    for (let r = 0; r < rate; r++) {
      const h = b.pick(none)!;
      h.inFlight++;
      picks.push(h);
      const done = t + Math.max(1, Math.round(h.latencyEwma));
      finishing.set(done, [...(finishing.get(done) ?? []), h]);
    }
  }
  const counts = tally(picks);
  for (const [id, c] of counts) counts.set(id, c / picks.length);
  return counts;
}

describe('P2cEwmaBalancer', () => {
  it('a host that was slow wins no draw; once its sample is stale it is tried again on load alone', () => {
    const b = new P2cEwmaBalancer<TestHost>({ random: seededRandom(3) });
    const fast = testHost('fast', { latencyEwma: 2, latencyAt: 1000 });
    const slow = testHost('slow', { latencyEwma: 150, latencyAt: 1000 });
    b.update([fast, slow]);
    const picks = () => tally(Array.from({ length: 100 }, () => b.pick(none))).get('slow') ?? 0;
    assert.equal(picks(), 0, 'slow loses every draw');
    fast.latencyAt = 1000 + STALE_MS;
    assert.equal(picks(), 0, 'not stale yet');
    fast.latencyAt = 1001 + STALE_MS;
    fast.inFlight = 3;
    assert.equal(picks(), 100, 'stale: compared on in-flight load alone');
  });

  it('returns the only candidate', () => {
    const b = new P2cEwmaBalancer({ random: seededRandom(1) });
    const only = testHost('a', { inFlight: 99, latencyEwma: 9999 });
    b.update([only]);
    assert.equal(b.pick(none), only);
    assert.equal(b.pick({ key: undefined, exclude: new Set(['a']) }), only);
  });

  it('draws two distinct hosts: of two, the costlier is never chosen', () => {
    const b = new P2cEwmaBalancer({ random: seededRandom(2) });
    b.update([testHost('a', { latencyEwma: 10 }), testHost('b', { latencyEwma: 10, inFlight: 1 })]);
    for (let i = 0; i < 200; i++) assert.equal(b.pick(none)!.id, 'a');
  });

  it('routes around a host 50× slower than its peers (< 5% of picks)', () => {
    for (const rate of [1, 5, 20]) {
      const hosts = [
        testHost('a', { latencyEwma: 10 }),
        testHost('b', { latencyEwma: 10 }),
        testHost('slow', { latencyEwma: 500 }),
      ];
      const share = simulate(hosts, rate, 3000, rate).get('slow') ?? 0;
      assert.ok(share < 0.05, `rate ${rate}/ms: slow host got ${(share * 100).toFixed(2)}%`);
    }
  });

  it('routes around a host with many requests in flight', () => {
    const b = new P2cEwmaBalancer({ random: seededRandom(3) });
    b.update([
      testHost('a', { latencyEwma: 20 }),
      testHost('b', { latencyEwma: 20 }),
      testHost('stuck', { latencyEwma: 20, inFlight: 40 }),
    ]);
    const counts = tally(Array.from({ length: 3000 }, () => b.pick(none)));
    assert.equal(counts.get('stuck') ?? 0, 0);
  });

  it('tries a new host (no latency sample yet) instead of shunning or flooding it', () => {
    const hosts = [
      testHost('a', { latencyEwma: 10 }),
      testHost('b', { latencyEwma: 10 }),
      testHost('new', { latencyEwma: 0 }),
    ];
    const b = new P2cEwmaBalancer({ random: seededRandom(4) });
    b.update(hosts);
    const idle = tally(Array.from({ length: 3000 }, () => b.pick(none))).get('new') ?? 0;
    assert.ok(idle > 700 && idle < 1300, `idle share ${idle}/3000`);
    // Under load the new host is judged on in-flight counts: it wins while it is less busy.
    hosts[0]!.inFlight = 4;
    hosts[1]!.inFlight = 4;
    hosts[2]!.inFlight = 1;
    const loaded = tally(Array.from({ length: 3000 }, () => b.pick(none))).get('new') ?? 0;
    assert.ok(loaded > 1800, `loaded share ${loaded}/3000`);
  });

  it('divides cost by weight, so a host in slow start (low weight) gets less', () => {
    const b = new P2cEwmaBalancer({ random: seededRandom(5) });
    b.update([testHost('full', { latencyEwma: 10 }), testHost('ramping', { latencyEwma: 10, weight: 0.5 })]);
    for (let i = 0; i < 100; i++) assert.equal(b.pick(none)!.id, 'full');
  });

  it('draws both choices among the hosts not excluded', () => {
    const b = new P2cEwmaBalancer({ random: seededRandom(6) });
    b.update([
      testHost('a', { latencyEwma: 1 }),
      testHost('b', { latencyEwma: 30 }),
      testHost('c', { latencyEwma: 20 }),
    ]);
    const exclude = new Set(['a']);
    for (let i = 0; i < 100; i++) assert.equal(b.pick({ key: undefined, exclude })!.id, 'c');
  });
});
