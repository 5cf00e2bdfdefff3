import assert from 'node:assert/strict';
import { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import type { RouteCacheConfig } from '../../config/types.js';
import { ManualClock } from '../../core/clock.js';
import { CLOSED, COMMITTED, Link } from '../contracts.js';
import { Exchange, type GatewayContext } from '../exchange.js';
import type { KeelRequest } from '../messages.js';
import type { CompiledRoute, Snapshot } from '../snapshot.js';
import { LeaseCoalescer } from './coalesce.js';
import { CacheJob, MISS, NO_FIELDS, REFRESH } from './job.js';
import { PreparedViews } from './prepared.js';
import { detachedExchange, Refresh, SHARED_WITH_REFRESH } from './refresh.js';
import { tempLmdbStore } from './store/lmdb.test-util.js';
import { LeaseTable } from './store/lmdb-leases.js';

/** Set by the constructor: the client's request, snapshot and gateway; a response and start of its own. */
const CONSTRUCTED = ['req', 'res', 'gw', 'snap', 'start', 'method'];
/**
 * The refresh's own fields: they start as a new exchange's. A new Exchange field goes here or
 * into SHARED_WITH_REFRESH (refresh.ts); the first test fails until it is in one of them.
 */
const OWN = [
  // the refresh sends no body, so it has no framing of its own either
  ...['contentLength', 'chunked', 'framing', 'body', 'replayable'],
  // the endpoint link below the cache finds the refresh's own endpoint
  'endpoint',
  // set by the refresh itself (the stored validators) and by the links below the cache
  ...['upHeaders', 'deadline'],
  ...['state', 'status', 'errorCode', 'answerHost', 'retryAfterMs', 'lastKind', 'lastCode', 'shed'],
  ...['cacheJob', 'capture', 'cacheOutcome'],
  ...['tries', 'retries', 'hedges', 'live', 'firstHostId', 'tried'],
  // the hand-over to the next try (handover.ts): a TryHandover of its own
  'nextTry',
  ...['retryTimer', 'hedgeQueue', 'hedgeSlot', 'queueTimer', 'ticket', 'slot'],
  // a detached exchange is never in the gateway's in-flight list
  ...['livePrev', 'liveNext', 'inLive'],
];

function client(): Exchange {
  const req = new IncomingMessage(null as never) as KeelRequest;
  req.method = 'GET';
  const budget = { started: 0, finished: 0 };
  const route = {
    pool: {
      name: 'web',
      retryBudget: {
        requestStarted: () => budget.started++,
        requestFinished: () => budget.finished++,
      },
    },
  } as unknown as CompiledRoute;
  const gw = { clock: { now: () => 1_000 }, budget } as unknown as GatewayContext;
  const ex = new Exchange(req, null as never, {} as Snapshot, gw, 0);
  ex.route = route;
  return ex;
}

describe('the detached exchange of a background refresh', () => {
  it('classifies every Exchange field: shared with the refresh, or its own', () => {
    const fields = Object.keys(client());
    const known = [...CONSTRUCTED, ...SHARED_WITH_REFRESH, ...OWN];
    assert.deepEqual(
      fields.filter((f) => !known.includes(f)),
      [],
      'a new field: add it to SHARED_WITH_REFRESH (refresh.ts) or to OWN here',
    );
    assert.deepEqual(
      known.filter((f) => !fields.includes(f)),
      [],
      'a field that is gone',
    );
  });

  it('takes the shared fields from the client exchange and starts the others afresh', () => {
    const ex = client();
    const fresh = client();
    const record = ex as unknown as Record<string, unknown>;
    for (const k of SHARED_WITH_REFRESH) record[k] = typeof record[k] === 'number' ? 7 : `shared ${k}`;
    for (const k of ['status', 'tries', 'retryAfterMs']) record[k] = 9;
    ex.state = COMMITTED;
    ex.cacheOutcome = 'hit';
    const rex = detachedExchange(ex, 5_000);
    const detached = rex as unknown as Record<string, unknown>;
    for (const k of SHARED_WITH_REFRESH) assert.equal(detached[k], record[k], k);
    for (const k of OWN) assert.deepEqual(detached[k], (fresh as unknown as Record<string, unknown>)[k], k);
    assert.equal(rex.req, ex.req);
    assert.equal(rex.snap, ex.snap);
    assert.equal(rex.gw, ex.gw);
    assert.notEqual(rex.res, ex.res, 'a response of its own, which no client reads');
    assert.equal(rex.start, 5_000);
  });
});

describe('Refresh', () => {
  const config = { lock_timeout: 5000, stale_while_revalidate: 0 } as RouteCacheConfig;
  const p = new PreparedViews({ freshness: {}, via: '', browser: null, strip: [] }).unstored(
    200,
    [['etag', '"v1"']],
    0,
    0,
  );
  class Below extends Link<Exchange> {
    readonly seen: Exchange[] = [];
    dispatch(ex: Exchange): void {
      this.seen.push(ex);
    }
  }

  it('one refresh per key, holding its lead until the detached exchange is finished', async () => {
    const clock = new ManualClock(1_000);
    const store = tempLmdbStore(clock);
    const fills = new LeaseCoalescer(new LeaseTable(store, clock));
    const refresh = new Refresh('web', fills, config);
    const below = new Below();
    const ex = client();
    const job = new CacheJob(MISS, 'GET h/a', 0, NO_FIELDS);
    refresh.start(ex, job, p, below);
    refresh.start(ex, job, p, below);
    assert.equal(below.seen.length, 1, 'the second start found the key being fetched');
    const rex = below.seen[0]!;
    const rjob = rex.cacheJob!;
    assert.equal(rjob.mode, REFRESH);
    assert.equal(rjob.stored, p);
    assert.equal(rex.cacheOutcome, 'expired');
    assert.ok(rex.upHeaders.includes('if-none-match'), 'it asks with the stored validators');
    assert.deepEqual(fills.stats(), { leaders: 1, waiters: 0 });
    refresh.finish(rex, rjob);
    refresh.finish(rex, rjob);
    assert.equal(rex.state, CLOSED);
    assert.deepEqual(fills.stats(), { leaders: 0, waiters: 0 });
    const budget = (ex.gw as unknown as { budget: { started: number; finished: number } }).budget;
    assert.deepEqual(budget, { started: 1, finished: 1 }, 'counted once by the retry budget');
    await store.close();
  });
});
