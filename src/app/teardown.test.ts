import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Closing, Teardown } from './teardown.js';

describe('Teardown', () => {
  it('closes the last registered part first, each awaited, with the reason', async () => {
    const t = new Teardown();
    const log: string[] = [];
    t.onClose('observer', (why) => {
      log.push(`observer:${why}`);
    });
    t.onClose('engine', async (why) => {
      await new Promise((r) => setImmediate(r)); // the next closer must wait for this one
      log.push(`engine:${why}`);
    });
    t.onClose('listeners', (why) => {
      log.push(`listeners:${why}`);
    });
    assert.deepEqual(t.order(), ['listeners', 'engine', 'observer']);
    await t.close('shutdown');
    assert.deepEqual(log, ['listeners:shutdown', 'engine:shutdown', 'observer:shutdown']);
  });

  it('runs every closer when one throws, then rethrows the first error', async () => {
    const t = new Teardown();
    const ran: string[] = [];
    t.onClose('a', () => ran.push('a'));
    t.onClose('b', () => {
      throw new Error('b failed');
    });
    t.onClose('c', async () => {
      await Promise.resolve();
      throw new Error('c failed');
    });
    await assert.rejects(t.close('failed-start'), /c failed/);
    assert.deepEqual(ran, ['a']);
  });

  it('closes once: a second close waits for the first, and nothing registers after', async () => {
    const t = new Teardown();
    const reasons: Closing[] = [];
    t.onClose('part', (why) => reasons.push(why));
    const first = t.close('shutdown');
    const second = t.close('failed-start');
    await Promise.all([first, second]);
    assert.deepEqual(reasons, ['shutdown']);
    assert.throws(() => t.onClose('late', () => undefined), /"late" was built after its app began to close/);
  });
});
