/**
 * The machine store across real processes (docs/caching.md, "The machine store"): child node
 * processes open the same directory as this one, as the workers of a machine do.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeEntry } from './codec.js';
import { LmdbStore } from './lmdb.js';
import { AT_SIZE, readTotals } from './lmdb-env.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'keel-cache-proc-'));
  dirs.push(d);
  return d;
}

/** Runs `body` in a child node process with `store` open on `dir` (an ES module; top-level await). */
function child(dir: string, body: string): ChildProcess {
  const code =
    `const { LmdbStore } = await import(${JSON.stringify(new URL('./lmdb.js', import.meta.url).href)});\n` +
    `const fs = await import('node:fs');\n` +
    `const store = new LmdbStore({ dir: ${JSON.stringify(dir)}, maxBytes: 8 << 20 });\n${body}`;
  const c = spawn(process.execPath, ['--input-type=module', '-e', code], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(c);
  return c;
}

async function until(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const exited = (c: ChildProcess): Promise<void> =>
  c.exitCode !== null || c.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => c.once('exit', () => r()));

describe('the machine store across processes', () => {
  it('stays readable and consistent when a writer is killed (SIGKILL) in the middle of writing', async () => {
    const dir = freshDir();
    // Each body is its key's length and byte, so a reader can tell a whole entry from a torn one.
    const writer = child(
      dir,
      `let i = 0;
      for (;;) {
        const n = i % 50;
        const key = 'GET h/' + n + '/' + ((i * 7919) % 4000);
        const size = 100 + ((i * 131) % 30000);
        store.setSync(key, { status: 200, headers: [['x-key', key]], body: Buffer.alloc(size, n), storedAt: i, requestTime: i, responseTime: i }, 600000);
        if (i % 7 === 0) store.deleteSync('GET h/' + ((i + 3) % 50) + '/0');
        if (i % 101 === 0) store.purgePrefixSync('GET h/' + (i % 50) + '/');
        if (i === 300) fs.writeFileSync(${JSON.stringify(join(dir, 'started'))}, '');
        i++;
      }`,
    );
    await until('the writer to be busy', () => existsSync(join(dir, 'started')));
    writer.kill('SIGKILL');
    await exited(writer);
    const store = new LmdbStore({ dir, maxBytes: 8 << 20 });
    let entries = 0;
    let bytes = 0;
    for (const key of store.env.stamps.getKeys()) {
      const rec = store.env.stamps.getBinaryFast(key)!;
      bytes += rec.readDoubleLE(AT_SIZE);
      const h = store.peek(key);
      assert.ok(h, `${key}: its body record decodes`);
      const n = Number(key.split('/')[1]);
      assert.deepEqual(h.entry.headers, [['x-key', key]]);
      assert.ok(
        h.entry.body.every((b) => b === n),
        `${key}: the whole body`,
      );
      entries++;
    }
    assert.ok(entries > 0);
    for (const key of store.env.bodies.getKeys()) {
      assert.ok(
        decodeEntry(store.env.bodies.getBinary(key)!.subarray(8)),
        `${key}: no body without its stamp`,
      );
      assert.ok(store.env.stamps.getBinaryFast(key), `${key}: has its stamp record`);
    }
    const t = readTotals(store.env.meta);
    assert.equal(t.entries, entries, 'the entry count matches the records');
    assert.equal(t.bytes, bytes, 'the byte total matches the records');
    assert.equal([...store.env.lru.getKeys()].length, entries, 'one lru key per entry');
    assert.ok(
      store.setSync(
        'after',
        { status: 200, headers: [], body: Buffer.from('x'), storedAt: 0, requestTime: 0, responseTime: 0 },
        60_000,
      ),
    );
    await store.close();
  });

  it('is writable at once after a process is killed while it holds the write lock', {
    timeout: 20_000,
  }, async () => {
    const dir = freshDir();
    const holder = child(
      dir,
      `store.env.root.transactionSync(() => {
        store.env.meta.putSync('x', Buffer.from('half'));
        fs.writeFileSync(${JSON.stringify(join(dir, 'holding'))}, '');
        for (;;) {}
      });`,
    );
    await until('the child to hold the write lock', () => existsSync(join(dir, 'holding')));
    holder.kill('SIGKILL');
    await exited(holder);
    const store = new LmdbStore({ dir, maxBytes: 8 << 20 });
    const t0 = Date.now();
    const h = store.setSync(
      'k',
      { status: 200, headers: [], body: Buffer.from('ok'), storedAt: 0, requestTime: 0, responseTime: 0 },
      60_000,
    );
    assert.ok(h, 'the write went through (LMDB recovers a lock whose owner died)');
    assert.ok(Date.now() - t0 < 5_000);
    assert.equal(store.env.meta.getBinary('x'), undefined, 'the dead writer’s transaction never happened');
    await store.close();
  });

  it('a delete resolves only once no other process reads through an older snapshot', async () => {
    const dir = freshDir();
    const store = new LmdbStore({ dir, maxBytes: 8 << 20 });
    store.setSync(
      'k',
      { status: 200, headers: [], body: Buffer.from('v1'), storedAt: 0, requestTime: 0, responseTime: 0 },
      600_000,
    );
    // The child reads (taking a snapshot), then keeps its event loop busy for 400 ms.
    const reader = child(
      dir,
      `if (!store.peek('k')) process.exit(3);
      fs.writeFileSync(${JSON.stringify(join(dir, 'read'))}, '');
      const t = Date.now(); while (Date.now() - t < 400) {}
      setInterval(() => store.peek('k'), 50);`,
    );
    await until('the child to read', () => existsSync(join(dir, 'read')));
    const t0 = Date.now();
    const txn = store.deleteSync('k');
    assert.ok(txn > 0);
    assert.equal(
      store.settled(txn),
      false,
      'the child still reads through a snapshot from before the delete',
    );
    assert.equal(await store.settle(txn), true);
    assert.ok(Date.now() - t0 < 1_000);
    assert.equal(store.settled(txn), true);
    reader.kill('SIGKILL');
    await exited(reader);
    await store.close();
  });

  it('an entry stored by one process is a hit in another, which never answers an old copy', async () => {
    const dir = freshDir();
    const store = new LmdbStore({ dir, maxBytes: 8 << 20 });
    const writer = child(
      dir,
      `for (let v = 1; v <= 200; v++) {
        store.setSync('k', { status: 200, headers: [['x-v', String(v)]], body: Buffer.alloc(v, v), storedAt: v, requestTime: v, responseTime: v }, 600000);
        await new Promise((r) => setTimeout(r, 1));
      }`,
    );
    let last = 0;
    let seen = 0;
    while (writer.exitCode === null || last < 200) {
      const h = store.peek('k');
      if (h !== undefined) {
        const v = Number(h.entry.headers[0]![1]);
        assert.ok(v >= last, 'never an older version after a newer one');
        assert.equal(h.entry.body.length, v, 'the copy is the one its stamp names');
        assert.ok(h.entry.body.every((b) => b === v));
        if (v !== last) seen++;
        last = v;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    assert.equal(last, 200);
    assert.ok(seen > 1);
    await store.close();
  });
});
