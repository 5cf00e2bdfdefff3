import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startedByNpm, watchParent } from './parent-watch.js';

test('npm scripts and npx are recognised by the variables npm sets', () => {
  assert.equal(startedByNpm({ npm_lifecycle_event: 'start' }), true);
  assert.equal(startedByNpm({ npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js' }), true);
  assert.equal(startedByNpm({ PATH: '/usr/bin' }), false);
  assert.equal(startedByNpm({ npm_lifecycle_event: '' }), false);
});

/** A ticker the test turns by hand: `tick()` runs one interval, `stopped` says whether it was stopped. */
function manualTicker() {
  const t = { fn: (): void => undefined, ms: 0, stopped: false, tick: () => t.fn() };
  const every = (fn: () => void, ms: number) => {
    t.fn = fn;
    t.ms = ms;
    return () => {
      t.stopped = true;
    };
  };
  return { t, every };
}

test('watchParent calls back once, with the old and new parent, when the parent PID changes', () => {
  let ppid = 4242;
  const calls: Array<[number, number]> = [];
  const { t, every } = manualTicker();
  watchParent((was, now) => calls.push([was, now]), { ppid: () => ppid, every });
  assert.equal(t.ms, 1000, 'every second by default');
  t.tick();
  t.tick();
  assert.deepEqual(calls, [], 'same parent: nothing');
  ppid = 1; // reparented to init
  t.tick();
  assert.deepEqual(calls, [[4242, 1]]);
  assert.equal(t.stopped, true, 'the ticker stops once it fired');
  ppid = 7;
  t.tick();
  assert.deepEqual(calls, [[4242, 1]], 'reported once');
});

test('the returned function stops the watch', () => {
  let ppid = 10;
  const { t, every } = manualTicker();
  const stop = watchParent(() => assert.fail('must not fire after stop'), { ppid: () => ppid, every });
  stop();
  assert.equal(t.stopped, true);
  ppid = 1;
  t.tick(); // a tick already queued when it was stopped
});
