import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyHeapGrowth,
  applyHeapGrowthFromEnv,
  DEFAULT_HEAP_GROWTH_PERCENT,
  gatewayExecArgv,
  HEAP_GROWTH_ENV,
  workerExecArgv,
} from './heap-growth.js';

function recorder(): { flags: string[]; set: (f: string) => void } {
  const flags: string[] = [];
  return { flags, set: (f) => flags.push(f) };
}

describe('heap growth (keel run --heap-growth)', () => {
  it('sets V8 heap-growing-percent and hands the value to workers through the environment', () => {
    const env: NodeJS.ProcessEnv = {};
    const r = recorder();
    applyHeapGrowth(300, env, r.set);
    assert.deepEqual(r.flags, ['--heap-growing-percent=300']);
    assert.equal(env[HEAP_GROWTH_ENV], '300');
  });

  it('0 leaves V8 own rule alone, and workers are told so', () => {
    const env: NodeJS.ProcessEnv = {};
    const r = recorder();
    applyHeapGrowth(0, env, r.set);
    assert.deepEqual(r.flags, []);
    assert.equal(env[HEAP_GROWTH_ENV], '0');
    const w = recorder();
    applyHeapGrowthFromEnv(env, w.set);
    assert.deepEqual(w.flags, []);
  });

  it('a worker applies the primary setting, or the default when it is missing or garbled', () => {
    for (const [raw, want] of [
      ['150', '--heap-growing-percent=150'],
      [undefined, `--heap-growing-percent=${DEFAULT_HEAP_GROWTH_PERCENT}`],
      ['-3', `--heap-growing-percent=${DEFAULT_HEAP_GROWTH_PERCENT}`],
      ['lots', `--heap-growing-percent=${DEFAULT_HEAP_GROWTH_PERCENT}`],
    ] as const) {
      const env: NodeJS.ProcessEnv = raw === undefined ? {} : { [HEAP_GROWTH_ENV]: raw };
      const r = recorder();
      applyHeapGrowthFromEnv(env, r.set);
      assert.deepEqual(r.flags, [want], `env ${raw}`);
    }
  });

  it('refuses a negative or fractional percentage', () => {
    assert.throws(() => applyHeapGrowth(-1, {}, () => {}), RangeError);
    assert.throws(() => applyHeapGrowth(1.5, {}, () => {}), RangeError);
  });

  it('workers start with the memory reducer off while heap growth is on, and keep the primary node options', () => {
    assert.deepEqual(workerExecArgv(['--trace-gc'], { [HEAP_GROWTH_ENV]: '300' }), [
      '--trace-gc',
      '--no-memory-reducer',
    ]);
    assert.deepEqual(workerExecArgv([], {}), ['--no-memory-reducer'], 'the default is on');
    assert.deepEqual(workerExecArgv(['--no-memory-reducer'], {}), ['--no-memory-reducer'], 'not twice');
    assert.deepEqual(workerExecArgv(['--trace-gc'], { [HEAP_GROWTH_ENV]: '0' }), ['--trace-gc']);
  });

  it('a single gateway process needs the flag only while heap growth is on and node lacks it', () => {
    assert.deepEqual(gatewayExecArgv([], 300), ['--no-memory-reducer']);
    assert.deepEqual(gatewayExecArgv(['--inspect'], 1), ['--inspect', '--no-memory-reducer']);
    assert.deepEqual(gatewayExecArgv(['--no-memory-reducer'], 300), ['--no-memory-reducer']);
    assert.deepEqual(gatewayExecArgv(['--trace-gc'], 0), ['--trace-gc']);
  });
});
