/**
 * curl against a TLS listener (services tier: needs curl built with HTTP/2, as Debian's is):
 * `--http2` negotiates h2 through ALPN and gets the route's answer, `--http1.1` the same answer
 * over HTTP/1.1, HSTS over both; `redirect_https` sends curl to https:// and curl follows it
 * (docs/http2.md, docs/tls.md).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { EventBus } from '../../src/core/events.js';
import { createGateway, type Gateway } from '../../src/proxy/gateway.js';
import { makeConfig, type Upstream, upstreams } from '../integration/proxy-util.js';
import { Pki } from '../integration/tls-util.js';

const run = promisify(execFile);
const pki = new Pki();
let ups: Upstream[];
let gw: Gateway;
let tls = 0;
let plain = 0;

before(async () => {
  ups = await upstreams(1);
  const cert = pki.ca.leaf('localhost', { ip: ['127.0.0.1'] });
  gw = createGateway(
    makeConfig({
      listeners: [
        { name: 'tls', host: '127.0.0.1', port: 0, tls: { cert: cert.cert, key: cert.key } },
        { name: 'plain', host: '127.0.0.1', port: 0, redirect_https: true },
      ],
      pools: { web: { hosts: [ups[0]!.url] } },
      routes: [{ pool: 'web', hsts: { max_age: 600 } }],
    }),
    'v1',
    { bus: new EventBus() },
  );
  const addrs = await gw.listen();
  tls = addrs[0]!.port;
  plain = addrs[1]!.port;
});

after(async () => {
  await gw?.close();
  for (const u of ups ?? []) await u.close();
  pki.close();
});

async function curl(...args: string[]): Promise<string> {
  const { stdout } = await run('curl', ['-sS', '--cacert', pki.ca.cert, ...args], { timeout: 10_000 });
  return stdout;
}

describe('curl', () => {
  it('is built with HTTP/2 (this tier needs it)', async () => {
    const { stdout } = await run('curl', ['-V']);
    assert.match(stdout, /^Features:.*\bHTTP2\b/m);
  });

  it('--http2 gets h2 and the answer, --http1.1 the same answer; HSTS on both', async () => {
    const url = `https://localhost:${tls}/x`;
    const resolve = `localhost:${tls}:127.0.0.1`;
    const h2 = await curl('--http2', '--resolve', resolve, '-D', '-', url);
    assert.match(h2, /^HTTP\/2 200/);
    assert.match(h2, /^strict-transport-security: max-age=600\r?$/m);
    assert.match(h2, /app-1$/);
    const h1 = await curl('--http1.1', '--resolve', resolve, '-D', '-', url);
    assert.match(h1, /^HTTP\/1\.1 200/);
    assert.match(h1, /^strict-transport-security: max-age=600\r?$/m);
    assert.match(h1, /app-1$/);
  });

  it('follows redirect_https from the plain listener to the TLS one', async () => {
    // The redirect names port 443 (the default); curl is sent to the test's TLS port for it.
    const out = await curl(
      '-L',
      '--http2',
      '--connect-to',
      `localhost:443:127.0.0.1:${tls}`,
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{http_version} %{num_redirects} %{url_effective}',
      `http://localhost:${plain}/path?q=1`,
    );
    assert.equal(out, '200 2 1 https://localhost/path?q=1');
  });
});
