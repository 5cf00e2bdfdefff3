/**
 * A web page on another site, open in the operator's browser, attacks the admin API of the
 * demo on 127.0.0.1 (docs/security.md, "The admin API"): a cross-site form POST (text/plain, no
 * preflight) with a whole config as its body, a `no-cors` fetch, a JSON fetch that needs a
 * preflight, and a DNS-rebinding read under the page's own name. Debian's Chromium maps the
 * attacker's names to 127.0.0.1 (--host-resolver-rules), so each request really reaches Keel.
 * Afterwards the gateway is unchanged: same config version, same routes, no fault injected.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { type Demo, startDemo } from '../../src/cli/demo-start.js';
import { createLogger } from '../../src/telemetry/logging.js';
import { CHROMIUM } from './browser-util.js';

/** What the attacker's page leaves on its global object. */
interface Attack {
  results: Record<string, string> & { done?: boolean };
}

let demo: Demo;
let evil: Server;
let evilPort = 0;
let browser: Browser;
/** Every request Keel's admin server saw, as method + path (the attack must reach it to count). */
const seen: string[] = [];

/** The attacker's page: it fires every request it can at the admin API, then reports. */
function attackPage(admin: string): string {
  const config = JSON.stringify({
    listeners: [{ host: '0.0.0.0', port: 0 }],
    pools: { admin: { hosts: [admin] } },
    routes: [{ pool: 'admin' }],
  });
  return `<!doctype html><meta charset="utf-8"><title>cute cats</title>
<form id="f" method="POST" action="${admin}/api/v1/reload" enctype="text/plain" target="sink">
  <input name='${config.slice(0, -1)}, "x": "' value='"}'>
</form>
<iframe name="sink"></iframe>
<script>
window.results = {};
const post = (path, init) => fetch('${admin}' + path, { method: 'POST', ...init }).then(
  (r) => 'status ' + r.status + ' (' + r.type + ')', (e) => 'blocked: ' + e.message);
(async () => {
  document.getElementById('f').submit();
  results.noCorsReload = await post('/api/v1/reload', { mode: 'no-cors', body: '{}' });
  results.noCorsFault = await post('/api/v1/demo/upstreams/app-2/fault', {
    mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"mode":"down"}' });
  results.jsonFault = await post('/api/v1/demo/upstreams/app-2/fault', {
    headers: { 'content-type': 'application/json' }, body: '{"mode":"down"}' });
  results.done = true;
})();
</script>`;
}

before(async () => {
  demo = await startDemo({
    port: 0,
    adminPort: 0,
    upstreamPorts: [0, 0, 0],
    logger: createLogger({ level: 'silent' }),
  });
  // Count what reaches the admin server: the attack is only meaningful if its requests arrive.
  const adminPort = new URL(demo.adminUrl).port;
  evil = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(attackPage(`http://127.0.0.1:${adminPort}`));
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  evilPort = (evil.address() as AddressInfo).port;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // The attacker's site and the rebinding name both resolve to this machine.
      '--host-resolver-rules=MAP evil.example 127.0.0.1, MAP rebind.example 127.0.0.1',
      // Chromium's own local-network checks would stop the rebinding page before Keel sees it;
      // other browsers have none, so Keel must hold without them.
      '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults',
    ],
  });
});

after(async () => {
  await browser?.close();
  await demo?.close();
  await new Promise((r) => evil?.close(r));
});

describe('a page of another site against the admin API, in Chromium', () => {
  it('cannot change the gateway by form, no-cors fetch, JSON fetch or DNS rebinding', async () => {
    const before = (await (await fetch(`${demo.adminUrl}/api/v1/config`)).json()) as { version: string };
    const routesBefore = await (await fetch(`${demo.adminUrl}/api/v1/routes`)).text();
    const page = await browser.newPage();
    page.on('request', (r) => {
      if (new URL(r.url()).port === new URL(demo.adminUrl).port)
        seen.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    await page.goto(`http://evil.example:${evilPort}/`);
    await page.waitForFunction(() => (globalThis as unknown as Attack).results.done, null, {
      timeout: 15_000,
    });
    const results = (await page.evaluate(() => (globalThis as unknown as Attack).results)) as Record<
      string,
      string
    >;
    // The requests really went out: the form and the two no-cors POSTs.
    assert.ok(seen.filter((s) => s === 'POST /api/v1/reload').length >= 2, seen.join(', '));
    assert.ok(seen.includes('POST /api/v1/demo/upstreams/app-2/fault'), seen.join(', '));
    // A no-cors answer is opaque to the page; the JSON one needs a preflight, which fails.
    assert.match(results.noCorsReload!, /\(opaque\)/);
    assert.match(results.jsonFault!, /^blocked/);
    // DNS rebinding: first the attacker's server answers for rebind.example (the page is
    // fulfilled here, as if DNS pointed at the attacker), then the name resolves to 127.0.0.1 and
    // the page reads its "own" origin — the browser allows it; Keel refuses it by Host.
    const rebind = `http://rebind.example:${new URL(demo.adminUrl).port}`;
    const victim = await browser.newPage();
    await victim.route(`${rebind}/`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<script>fetch('/api/v1/config').then(async (r) => { globalThis.read = r.status + ' ' + (await r.text()); }, (e) => { globalThis.read = 'blocked: ' + e.message; });</script>`,
      }),
    );
    await victim.goto(`${rebind}/`);
    await victim.waitForFunction(() => (globalThis as unknown as { read?: string }).read, null, {
      timeout: 10_000,
    });
    const read = await victim.evaluate(() => (globalThis as unknown as { read: string }).read);
    assert.match(read, /^403 .*KEEL_ERR_ADMIN_HOST/);
    assert.ok(!read.includes('version'), 'nothing of the config was read');
    await victim.close();

    const afterCfg = (await (await fetch(`${demo.adminUrl}/api/v1/config`)).json()) as { version: string };
    assert.equal(afterCfg.version, before.version, 'no reload was applied');
    assert.equal(await (await fetch(`${demo.adminUrl}/api/v1/routes`)).text(), routesBefore);
    const ups = (await (await fetch(`${demo.adminUrl}/api/v1/demo/upstreams`)).json()) as Array<{
      name: string;
      fault: { mode: string };
    }>;
    assert.deepEqual(
      ups.map((u) => u.fault.mode),
      ['ok', 'ok', 'ok'],
      'no fault was injected',
    );
    const gw = await fetch(`${demo.gatewayUrl}/hello`);
    assert.equal(gw.status, 200, 'the gateway still serves');
    await page.close();
  });

  it('the dashboard link the demo prints carries the token, and its fault buttons work', async () => {
    const page = await browser.newPage();
    await page.goto(`${demo.adminUrl}/#token=${demo.adminToken}`);
    assert.equal(new URL(page.url()).hash, '', 'the token left the address bar at once');
    const button = page.locator('[data-testid="fault-app-3-slow"]');
    await button.click({ timeout: 15_000 });
    await page.waitForFunction(
      async (url) => {
        const ups = (await (await fetch(url)).json()) as Array<{ name: string; fault: { mode: string } }>;
        return ups.find((u) => u.name === 'app-3')?.fault.mode === 'slow';
      },
      `${demo.adminUrl}/api/v1/demo/upstreams`,
      { timeout: 10_000 },
    );
    await page.close();
  });
});
