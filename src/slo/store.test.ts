import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { SloAlertEvent } from '../core/events.js';
import { SloStore } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-slo-store-'));
const event = { key: 'a:page', slo: 'a', tier: 'page', state: 'firing', at: 1 } as SloAlertEvent;
after(() => rmSync(dir, { recursive: true, force: true }));

describe('SloStore', () => {
  it('round-trips a state and keeps it across a reopen (a restart)', () => {
    const path = join(dir, 'nested', 'slo.sqlite');
    const first = SloStore.open<{ buckets: number[] }>(path);
    assert.ok(first.ok);
    assert.equal(first.store.load(), null);
    first.store.save({ buckets: [1, 2, 3] }, 1000);
    first.store.save({ buckets: [4, 5, 6] }, 2000); // replaces, not appends
    first.store.close();
    const again = SloStore.open<{ buckets: number[] }>(path);
    assert.ok(again.ok);
    assert.deepEqual(again.store.load(), { state: { buckets: [4, 5, 6] }, savedAt: 2000 });
    again.store.close();
  });

  it('keeps what each receiver holds open beside the history, across a reopen', () => {
    const path = join(dir, 'open.sqlite');
    const first = SloStore.open(path);
    assert.ok(first.ok);
    assert.deepEqual(first.store.openAlerts(), []);
    const fire = (key: string) => ({ ...event, key, state: 'firing' as const });
    first.store.delivered({ receiver: 'pd', type: 'pagerduty', event: fire('a:page') });
    first.store.delivered({ receiver: 'pd', type: 'pagerduty', event: fire('b:page') });
    first.store.delivered({ receiver: 'hook', type: 'webhook', event: fire('a:page') });
    first.store.delivered({ receiver: 'pd', type: 'pagerduty', event: { ...fire('a:page'), at: 2 } }); // refresh
    first.store.delivered({
      receiver: 'pd',
      type: 'pagerduty',
      event: { ...fire('b:page'), state: 'resolved' },
    });
    first.store.close();
    const again = SloStore.open(path);
    assert.ok(again.ok);
    assert.deepEqual(
      again.store.openAlerts().map((o) => [o.receiver, o.type, o.event.key, o.event.at]),
      [
        ['pd', 'pagerduty', 'a:page', 2],
        ['hook', 'webhook', 'a:page', 1],
      ],
    );
    again.store.close();
  });

  it('reports a file that is not SQLite instead of throwing', () => {
    const path = join(dir, 'garbage.sqlite');
    writeFileSync(path, 'this is not a database, just text long enough to look like a header'.repeat(100));
    const r = SloStore.open(path);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, /not a database|malformed|integrity/i);
  });

  it('reports a path that cannot be a file (a directory)', () => {
    const r = SloStore.open(dir);
    assert.equal(r.ok, false);
  });
});
