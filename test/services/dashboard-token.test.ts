/**
 * The dashboard beyond loopback, in Chromium (issue 6: "the dashboard and API require the admin
 * token"): the page shell loads, its API calls answer 401, so it shows no data and asks for the
 * token; with the token entered it renders the topology. The admin binds 0.0.0.0 (not loopback)
 * and the browser reaches it through 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type App, startApp } from '../../src/app.js';
import { validateConfig } from '../../src/config/index.js';
import { demoRawConfig } from '../../src/demo/config.js';
import { createLogger } from '../../src/telemetry/logging.js';
import { launchChromium, until } from './browser-util.js';

const TOKEN = 'dashboard-browser-token';
let app: App;
let browser: Browser;
let page: Page;

before(async () => {
  // Upstreams on the discard port: this test is about the token, not traffic.
  const raw = demoRawConfig({ port: 0, adminPort: 0, upstreamUrls: ['http://127.0.0.1:9'] });
  raw.admin = { host: '0.0.0.0', port: 0, token: TOKEN };
  const loaded = validateConfig(raw);
  assert.ok(loaded.ok, JSON.stringify(loaded.ok ? null : loaded.problems));
  app = await startApp({
    config: loaded.config,
    version: loaded.version,
    logger: createLogger({ level: 'silent' }),
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

after(async () => {
  await browser?.close();
  await app?.shutdown('test done');
});

describe('dashboard with an admin token', () => {
  it('shows no data without the token, asks for it, and renders once it is entered', async () => {
    const unauthorized: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 401) unauthorized.push(new URL(r.url()).pathname);
    });
    await page.goto(`http://127.0.0.1:${app.admin!.port}/`, { waitUntil: 'load' });
    const form = page.locator('[data-testid="auth-form"]');
    await form.waitFor({ state: 'visible', timeout: 10_000 });
    assert.ok(unauthorized.length > 0, 'the API refused the page without the token');
    assert.equal(await page.locator('[data-testid^="host-"]').count(), 0, 'no host shown');

    await page.locator('#token').fill(TOKEN);
    await page.locator('[data-testid="auth-submit"]').click();
    const host = page.locator('[data-testid="host-app-app-1"]');
    await host.waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await form.isVisible(), false);
    const state = await until(
      'a host state on the page',
      async () => (await host.getAttribute('data-state')) ?? undefined,
      5_000,
    );
    assert.ok(state.length > 0);
  });
});
