import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus } from '../core/events.js';
import { RouteBreakerBoard } from './route-breakers.js';

test('RouteBreakerBoard: follows route breaker transitions, ignores host breakers', () => {
  const bus = new EventBus();
  const board = new RouteBreakerBoard();
  board.subscribe(bus);
  const ch = bus.channel('breaker.transition');
  const base = { pool: 'p', reason: 'x', at: 0 };
  ch.publish({ ...base, scope: 'host', host: 'h', route: '', from: 'closed', to: 'open' });
  ch.publish({ ...base, scope: 'route', host: '', route: 'r1', from: 'closed', to: 'open' });
  ch.publish({ ...base, scope: 'route', host: '', route: 'r2', from: 'closed', to: 'open' });
  ch.publish({ ...base, scope: 'route', host: '', route: 'r1', from: 'open', to: 'half_open' });
  ch.publish({ ...base, scope: 'route', host: '', route: 'r2', from: 'half_open', to: 'closed' });
  assert.deepEqual(board.list(), [
    { route: 'r1', pool: 'p', state: 'half_open', since: '1970-01-01T00:00:00.000Z' },
  ]);
});
