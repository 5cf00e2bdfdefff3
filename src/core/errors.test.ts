import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ERROR_CODES, type ErrorCode, KeelError } from './errors.js';

/** Rows of docs/errors.md tables: | `KEEL_ERR_X` | 503 | meaning | fix |  (— for "no HTTP status"). */
function documentedCodes(): Map<string, { status: number; meaning: string; fix: string }> {
  // Tests run with cwd = repo root (scripts/run-tests.mjs).
  const text = readFileSync('docs/errors.md', 'utf8');
  const rows = new Map<string, { status: number; meaning: string; fix: string }>();
  const row = /^\|\s*`(KEEL_ERR_[A-Z0-9_]+)`\s*\|\s*([^|]*?)\s*\|\s*([^|]*?)\s*\|\s*([^|]*?)\s*\|\s*$/;
  for (const line of text.split('\n')) {
    const m = row.exec(line);
    if (!m) continue;
    assert.ok(!rows.has(m[1]!), `docs/errors.md lists ${m[1]} twice`);
    const status = m[2] === '—' ? 0 : Number(m[2]);
    rows.set(m[1]!, { status, meaning: m[3]!, fix: m[4]! });
  }
  return rows;
}

describe('error codes', () => {
  const docs = documentedCodes();
  const codes = Object.keys(ERROR_CODES) as ErrorCode[];

  it('documents every code in docs/errors.md', () => {
    const missing = codes.filter((c) => !docs.has(c));
    assert.deepEqual(missing, [], `add these to docs/errors.md: ${missing.join(', ')}`);
  });

  it('documents no code that does not exist', () => {
    const extra = [...docs.keys()].filter((c) => !(c in ERROR_CODES));
    assert.deepEqual(
      extra,
      [],
      `remove these from docs/errors.md or add them to errors.ts: ${extra.join(', ')}`,
    );
  });

  it('gives each code the same HTTP status in code and docs, with a meaning and a fix', () => {
    for (const c of codes) {
      const d = docs.get(c)!;
      assert.equal(
        d.status,
        ERROR_CODES[c].status,
        `${c}: docs say ${d.status}, errors.ts says ${ERROR_CODES[c].status}`,
      );
      assert.ok(d.meaning.length > 0 && d.fix.length > 0, `${c}: meaning and fix must not be empty`);
    }
  });

  it('uses real HTTP error statuses (or 0 when not an HTTP answer)', () => {
    for (const c of codes) {
      const s = ERROR_CODES[c].status;
      assert.ok(s === 0 || (s >= 400 && s <= 599), `${c}: ${s}`);
      assert.ok(ERROR_CODES[c].meaning.length > 0 && ERROR_CODES[c].fix.length > 0);
    }
  });
});

describe('KeelError', () => {
  it('carries its code and status, and defaults the message to the meaning', () => {
    const e = new KeelError('KEEL_ERR_BREAKER_OPEN');
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'KeelError');
    assert.equal(e.code, 'KEEL_ERR_BREAKER_OPEN');
    assert.equal(e.status, 503);
    assert.equal(e.message, ERROR_CODES.KEEL_ERR_BREAKER_OPEN.meaning);
  });

  it('serialises to the documented JSON body', () => {
    const cause = new Error('ECONNREFUSED');
    const e = new KeelError('KEEL_ERR_UPSTREAM_CONNECT', 'app-1 refused', { cause });
    assert.equal(e.cause, cause);
    assert.deepEqual(JSON.parse(JSON.stringify(e)), {
      error: {
        code: 'KEEL_ERR_UPSTREAM_CONNECT',
        message: 'app-1 refused',
        fix: ERROR_CODES.KEEL_ERR_UPSTREAM_CONNECT.fix,
      },
    });
  });
});
