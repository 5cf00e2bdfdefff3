/**
 * `keel validate` and `keel run` check the certificate files a config names before anything
 * starts (docs/tls.md, "Certificates"): one line per problem, with its path and a fix, exit 1.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Pki } from '../integration/tls-util.js';

const MAIN = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const pki = new Pki();
after(() => pki.close());

function keel(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function config(name: string, tls: string, pools = ''): string {
  const p = pki.path(name);
  writeFileSync(
    p,
    `listeners: [{ host: 127.0.0.1, port: 0, tls: ${tls} }]\nadmin: { host: 127.0.0.1, port: 0 }\n${pools}`,
  );
  return p;
}

describe('keel validate and keel run check the TLS files', () => {
  const good = pki.ca.leaf('localhost');
  const other = pki.ca.leaf('other.example');

  it('validate accepts a good pair', () => {
    const r = keel('validate', '-c', config('good.yaml', `{ cert: "${good.cert}", key: "${good.key}" }`));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ok: /);
  });

  it('validate and run refuse a key that is not the certificate’s and a missing CA file, one line each', () => {
    const p = config(
      'bad.yaml',
      `{ cert: "${good.cert}", key: "${other.key}" }`,
      `pools:\n  api: { hosts: ["https://127.0.0.1:1"], tls: { ca: "${pki.path('gone.pem')}" } }\n`,
    );
    const lines = [
      /^listeners\[0\]\.tls\.key: ".*" is not the private key of ".*" \(CN=localhost\); fix: give the key the certificate was issued for/,
      /^pools\.api\.tls\.ca: cannot read CA file ".*gone\.pem" \(ENOENT\); fix: check the path/,
    ];
    const v = keel('validate', '-c', p);
    assert.equal(v.code, 1);
    const vl = v.stderr.trim().split('\n');
    assert.equal(vl.length, 2, v.stderr);
    for (const [i, re] of lines.entries()) assert.match(vl[i]!, re);
    const r = keel('run', '-c', p, '--workers', '1');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /2 problem\(s\); nothing started/);
    for (const re of lines)
      assert.ok(
        r.stderr.split('\n').some((l) => re.test(l)),
        String(re),
      );
  });
});
