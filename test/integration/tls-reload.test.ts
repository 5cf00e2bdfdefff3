/**
 * Certificates change without a restart (docs/tls.md, "Reload"): files replaced on disk are
 * picked up by the watcher, and SIGHUP / a config reload re-reads them; a broken new pair is
 * refused with its path and the old one stays; connections already open keep their
 * certificate, and traffic under load sees no failed request while it happens.
 */
import assert from 'node:assert/strict';
import { copyFileSync, renameSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config/types.js';
import { EventBus, type TlsReloadEvent } from '../../src/core/events.js';
import { createGateway, type Gateway } from '../../src/proxy/gateway.js';
import { makeConfig, type Upstream, upstreams, waitFor } from './proxy-util.js';
import { fingerprint, handshake, type Pair, Pki, sendTls } from './tls-util.js';

const pki = new Pki();
let ups: Upstream[];

before(async () => {
  ups = await upstreams(1);
});
after(async () => {
  for (const u of ups ?? []) await u.close();
  pki.close();
});

/** Replaces a file the way editors and deploy tools do: write beside it, rename over it. */
function replace(target: string, from: string): void {
  copyFileSync(from, `${target}.new`);
  renameSync(`${target}.new`, target);
}

interface Rig {
  gw: Gateway;
  port: number;
  live: Pair;
  reloads: TlsReloadEvent[];
  config(overrides?: Record<string, unknown>): Config;
  close(): Promise<void>;
}

/** A gateway whose TLS listener serves `first` from files of its own (live.pem / live.key). */
async function rig(name: string, first: Pair, tls: Record<string, unknown> = {}): Promise<Rig> {
  const live = { cert: pki.path(`${name}-live.pem`), key: pki.path(`${name}-live.key`) };
  copyFileSync(first.cert, live.cert);
  copyFileSync(first.key, live.key);
  const config = (overrides: Record<string, unknown> = {}) =>
    makeConfig({
      listeners: [
        {
          name: 'main',
          host: '127.0.0.1',
          port: 0,
          tls: { cert: live.cert, key: live.key, ...tls, ...overrides },
        },
      ],
      pools: { web: { hosts: [ups[0]!.url] } },
      routes: [{ pool: 'web' }],
    });
  const bus = new EventBus();
  const reloads: TlsReloadEvent[] = [];
  bus.on('tls.reload', (e) => reloads.push(e));
  const gw = createGateway(config(), 'v1', { bus });
  const [addr] = await gw.listen();
  return { gw, port: addr!.port, live, reloads, config, close: () => gw.close() };
}

describe('certificate reload from the files', () => {
  it('swaps the certificate under load with zero failed requests; open connections keep theirs', async () => {
    const v1 = pki.ca.leaf('localhost', { ip: ['127.0.0.1'] });
    const v2 = pki.ca.leaf('localhost', { ip: ['127.0.0.1'] });
    const r = await rig('load', v1, { watch_interval: 50 });
    try {
      const kept = new Agent({ keepAlive: true, maxSockets: 2 });
      const seen = { fresh: new Set<string>(), kept: new Set<string>() };
      const failures: string[] = [];
      let total = 0;
      let stop = false;
      const loop = async (agent: Agent | false, into: Set<string>) => {
        while (!stop) {
          const reply = await sendTls(r.port, '/x', { ca: pki.ca.cert, agent });
          total++;
          if (reply.status !== 200) failures.push(`${reply.status} ${reply.error}`);
          else into.add(reply.fingerprint);
        }
      };
      // Two loops on long-lived connections, two opening a new connection (a new handshake) each time.
      const loops = [
        loop(kept, seen.kept),
        loop(kept, seen.kept),
        loop(false, seen.fresh),
        loop(false, seen.fresh),
      ];
      await waitFor(() => total >= 20, 'traffic before the swap');
      replace(r.live.key, v2.key);
      replace(r.live.cert, v2.cert);
      await waitFor(() => r.reloads.length > 0, 'the watcher to reload', 10_000);
      const after = total;
      await waitFor(() => total >= after + 20, 'traffic after the swap');
      stop = true;
      await Promise.all(loops);
      kept.destroy();
      assert.deepEqual(failures, [], `${failures.length} of ${total} requests failed`);
      assert.deepEqual(
        r.reloads.map((e) => [e.listener, e.ok]),
        [['main', true]],
      );
      assert.ok(seen.fresh.has(fingerprint(v2.cert)), 'new handshakes get the new certificate');
      assert.deepEqual(
        [...seen.kept],
        [fingerprint(v1.cert)],
        'open connections keep the certificate they started with',
      );
      assert.equal((await handshake(r.port)).fingerprint, fingerprint(v2.cert));
    } finally {
      await r.close();
    }
  });

  it('refuses a broken pair from the files with its path, keeps serving the old one, then takes a good one', async () => {
    const good = pki.ca.leaf('localhost', { ip: ['127.0.0.1'] });
    const r = await rig('broken', good, { watch_interval: 50 });
    try {
      const other = pki.ca.leaf('other.example');
      replace(r.live.cert, other.cert); // the key on disk is no longer this certificate's
      await waitFor(() => r.reloads.length === 1, 'a refused reload', 10_000);
      const refused = r.reloads[0]!;
      assert.equal(refused.ok, false);
      assert.match(refused.problem, /^listeners\[0\]\.tls\.key: .* is not the private key of /);
      assert.equal(
        (await handshake(r.port)).fingerprint,
        fingerprint(good.cert),
        'the old certificate stays',
      );
      assert.match(String(r.gw.tls()[0]?.last_problem), /is not the private key/);
      const ok = await sendTls(r.port, '/x', { ca: pki.ca.cert });
      assert.equal(ok.status, 200);

      const expired = pki.ca.leaf('localhost', {
        notBefore: Date.UTC(2020, 0, 1),
        notAfter: Date.UTC(2020, 1, 1),
      });
      replace(r.live.key, expired.key);
      replace(r.live.cert, expired.cert);
      await waitFor(() => r.reloads.length === 2, 'the expired pair refused', 10_000);
      assert.match(
        r.reloads[1]!.problem,
        /^listeners\[0\]\.tls\.cert: .* expired on 2020-02-01T00:00:00\.000Z/,
      );
      assert.equal((await handshake(r.port)).fingerprint, fingerprint(good.cert));

      writeFileSync(r.live.cert, 'not a certificate\n');
      await waitFor(() => r.reloads.length === 3, 'the garbage refused', 10_000);
      assert.match(r.reloads[2]!.problem, /is not a PEM certificate/);

      const fixed = pki.ca.leaf('localhost', { ip: ['127.0.0.1'] });
      replace(r.live.key, fixed.key);
      replace(r.live.cert, fixed.cert);
      await waitFor(() => r.reloads.length === 4, 'the fixed pair', 10_000);
      assert.equal(r.reloads[3]!.ok, true);
      assert.equal((await handshake(r.port)).fingerprint, fingerprint(fixed.cert));
      assert.equal(r.gw.tls()[0]?.last_problem, null);
    } finally {
      await r.close();
    }
  });
});

describe('certificate reload on SIGHUP or a config reload', () => {
  it('re-reads the files on a reload even when the config is unchanged (watch off)', async () => {
    const v1 = pki.ca.leaf('localhost');
    const v2 = pki.ca.leaf('localhost');
    const r = await rig('sighup', v1, { watch_interval: 0 });
    try {
      replace(r.live.key, v2.key);
      replace(r.live.cert, v2.cert);
      assert.equal((await handshake(r.port)).fingerprint, fingerprint(v1.cert), 'no watcher: nothing yet');
      await r.gw.reload(r.config(), 'v2');
      assert.equal((await handshake(r.port)).fingerprint, fingerprint(v2.cert));
      assert.equal(r.reloads.length, 0, 'a config reload reports through config.reload, not tls.reload');
    } finally {
      await r.close();
    }
  });

  it('refuses the whole reload for a broken pair, naming the file, and keeps the old certificate', async () => {
    const v1 = pki.ca.leaf('localhost');
    const r = await rig('refuse', v1, { watch_interval: 0 });
    try {
      const other = pki.ca.leaf('other.example');
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [
          { cert: other.cert, key: pki.strayKey() },
          /: listeners\[0\]\.tls\.key: .* is not the private key of /,
        ],
        [
          { cert: pki.path('missing.pem') },
          /: listeners\[0\]\.tls\.cert: cannot read certificate .*missing\.pem" \(ENOENT\)/,
        ],
        [
          {
            sni: [
              {
                cert: pki.ca.leaf('old.example', {
                  notBefore: Date.UTC(2020, 0, 1),
                  notAfter: Date.UTC(2020, 1, 1),
                }).cert,
                key: v1.key,
              },
            ],
          },
          /: listeners\[0\]\.tls\.sni\[0\]\.key: /,
        ],
        [
          { client_ca: pki.path('no-ca.pem'), client_auth: 'required' },
          /: listeners\[0\]\.tls\.client_ca: cannot read CA file/,
        ],
        [{ ciphers: 'NOT-A-CIPHER' }, /: listeners\[0\]\.tls\.ciphers: OpenSSL refused the cipher list/],
      ];
      for (const [overrides, problem] of cases) {
        await assert.rejects(r.gw.reload(r.config(overrides), 'bad'), problem);
        assert.equal(r.gw.version, 'v1');
        assert.equal((await handshake(r.port)).fingerprint, fingerprint(v1.cert));
      }
      const expired = pki.ca.leaf('localhost', {
        notBefore: Date.UTC(2020, 0, 1),
        notAfter: Date.UTC(2020, 1, 1),
      });
      await assert.rejects(
        r.gw.reload(r.config({ cert: expired.cert, key: expired.key }), 'bad'),
        /expired on 2020-02-01T00:00:00\.000Z \(renew the certificate; the one in use is kept\)/,
      );
      const ok = await sendTls(r.port, '/x', { ca: pki.ca.cert });
      assert.equal(ok.status, 200);
    } finally {
      await r.close();
    }
  });

  it('does not switch a kept listener between plain HTTP and TLS: the reload is refused with what to do', async () => {
    const r = await rig('switch', pki.ca.leaf('localhost'), { watch_interval: 0 });
    try {
      const port = r.port;
      const plain = makeConfig({
        listeners: [{ name: 'main', host: '127.0.0.1', port }],
        pools: { web: { hosts: [ups[0]!.url] } },
        routes: [{ pool: 'web' }],
      });
      await assert.rejects(r.gw.reload(plain, 'v2'), /cannot switch to plain HTTP on a reload; restart Keel/);
      assert.equal((await sendTls(port, '/x', { ca: pki.ca.cert })).status, 200);
    } finally {
      await r.close();
    }
  });

  it('refuses to start with a broken pair, naming the file', async () => {
    const other = pki.ca.leaf('other.example');
    const config = makeConfig({
      listeners: [
        { name: 'main', host: '127.0.0.1', port: 0, tls: { cert: other.cert, key: pki.strayKey() } },
      ],
    });
    const gw = createGateway(config, 'v1', { bus: new EventBus() });
    await assert.rejects(
      gw.listen(),
      /^TlsMaterialError: listeners\[0\]\.tls\.key: .* is not the private key of /,
    );
    await gw.close();
  });
});
