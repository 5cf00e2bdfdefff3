import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FileWatch } from './watch.js';

const dir = mkdtempSync(join(tmpdir(), 'keel-watch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Resolves on the watch's next report; rejects after `ms`. */
function nextChange(calls: Array<() => void>, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no change reported')), ms);
    calls.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('certificate file watch (polled stat)', () => {
  it('reports a change of either file once, after it settled, and a deleted file as a change', async () => {
    const a = join(dir, 'a.pem');
    const b = join(dir, 'b.pem');
    writeFileSync(a, 'one');
    writeFileSync(b, 'one');
    const waiting: Array<() => void> = [];
    let reports = 0;
    const w = new FileWatch([a, b], 10, () => {
      reports++;
      waiting.shift()?.();
    });
    try {
      await w.rebase();
      const first = nextChange(waiting);
      writeFileSync(a, 'two, longer');
      writeFileSync(b, 'two, longer');
      await first;
      assert.equal(reports, 1, 'both files of a pair: one report');
      const second = nextChange(waiting);
      rmSync(b);
      await second;
      assert.equal(reports, 2);
    } finally {
      w.stop();
    }
  });
});
