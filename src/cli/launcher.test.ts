import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspected, LAUNCHER_ENV, launchedBy } from './launcher.js';

describe('launchedBy', () => {
  it('is true only while the launcher named in the environment is the parent', () => {
    assert.equal(launchedBy({ [LAUNCHER_ENV]: '41' }, 41), true);
    assert.equal(launchedBy({ [LAUNCHER_ENV]: '41' }, 1), false, 'the launcher is gone: init adopted us');
    assert.equal(launchedBy({}, 41), false, 'started directly');
  });
});

describe('inspected', () => {
  it("knows node's inspector options, and only those", () => {
    for (const a of ['--inspect', '--inspect=0', '--inspect-brk', '--inspect-wait=127.0.0.1:9230'])
      assert.equal(inspected(['--trace-gc', a]), true, a);
    for (const a of ['--inspect-port=9230', '--cpu-prof', '--trace-gc'])
      assert.equal(inspected([a]), false, a);
  });
});
