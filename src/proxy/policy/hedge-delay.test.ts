import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { ManualClock } from '../../core/clock.js';
import { HedgeDelay, MIN_SAMPLES, WARMUP_MS } from './hedge-delay.js';
import { type Hedgeable, HedgeQueue } from './hedge-queue.js';

describe('HedgeDelay', () => {
  it('auto: the warm-up delay until enough answers, then the p95, never below min_delay', () => {
    const d = new HedgeDelay({ delay: 'auto', min_delay: 100 });
    assert.equal(d.ms, WARMUP_MS);
    let now = 0;
    const feed = (n: number, ms: (i: number) => number) => {
      for (let i = 0; i < n; i++) {
        now += 10;
        d.record(ms(i), now);
      }
    };
    feed(MIN_SAMPLES - 1, () => 3);
    assert.equal(d.ms, WARMUP_MS, 'not trusted yet');
    feed(200, () => 3);
    assert.equal(d.ms, 100, 'a 3 ms route hedges at the floor');
    // 10 % of answers take 400 ms: the p95 is in the 400 ms bucket (about 19 % wide, read at its top).
    feed(400, (i) => (i % 10 === 0 ? 400 : 3));
    assert.ok(d.ms >= 400 && d.ms <= 480, `p95 ${d.ms}`);
  });

  it('forgets answers older than two windows', () => {
    const d = new HedgeDelay({ delay: 'auto', min_delay: 50 });
    for (let i = 0; i < 100; i++) d.record(2000, i * 10);
    assert.ok(d.ms >= 2000);
    for (let i = 0; i < 100; i++) d.record(20, 26_000 + i * 10);
    assert.equal(d.ms, 50);
  });

  it('a fixed delay stays fixed', () => {
    const d = new HedgeDelay({ delay: 150, min_delay: 100 });
    for (let i = 0; i < 100; i++) d.record(3000, i);
    assert.equal(d.ms, 150);
  });
});

describe('HedgeQueue', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  const clock = new ManualClock(0);
  type Item = Hedgeable & { tries: number };
  const item = (tries = 1): Item => ({ tries, gw: { clock }, hedgeQueue: null, hedgeSlot: -1 });

  it('fires each entry at its due time with one timer, skips stale ones, keeps order while growing', () => {
    const fired: number[] = [];
    const items = Array.from({ length: 100 }, () => item());
    const q = new HedgeQueue<Item>((x) => fired.push(items.indexOf(x)), 10);
    for (let i = 0; i < 100; i++) q.push(items[i]!, 100 + i, 0);
    items[3]!.tries = 2; // a retry started since: its entry is stale
    mock.timers.tick(99);
    assert.equal(fired.length, 0);
    mock.timers.tick(1);
    assert.equal(fired.join(), '0');
    // Mocked timers run what a firing sets only on a later tick: step by the gap.
    for (let t = 0; t < 100; t += 10) mock.timers.tick(10);
    assert.equal(fired.length, 99, 'the due ones, at least min_gap apart, minus the stale one');
    assert.ok(!fired.includes(3));
    assert.equal(fired.join(), [...fired].sort((a, b) => a - b).join());
    assert.equal(q.size, 0);
  });

  it('a request that ends leaves the queue: no finished exchange is kept until its due time', () => {
    const fired: Item[] = [];
    const q = new HedgeQueue<Item>((x) => fired.push(x), 10);
    const [a, b] = [item(), item()];
    q.push(a, 100, 0);
    q.push(b, 100, 0);
    assert.equal(a.hedgeQueue, q);
    q.drop(a);
    assert.equal(a.hedgeQueue, null);
    mock.timers.tick(100);
    assert.deepEqual(fired, [b], 'the dropped one is skipped');
    assert.equal(b.hedgeQueue, null, 'a fired entry leaves the queue too');
    assert.equal(q.size, 0);
  });

  it('an entry pushed while firing waits for the next timer', () => {
    const seen: string[] = [];
    const a = item();
    const q: HedgeQueue<Item> = new HedgeQueue((x, now) => {
      seen.push(`fire@${now}`);
      if (seen.length === 1) q.push(x, now + 20, now);
    }, 5);
    q.push(a, 50, 0);
    mock.timers.tick(50);
    mock.timers.tick(19);
    assert.deepEqual(seen, ['fire@50']);
    mock.timers.tick(1);
    assert.deepEqual(seen, ['fire@50', 'fire@70']);
  });
});
