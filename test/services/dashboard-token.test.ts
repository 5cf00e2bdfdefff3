/**
 * The dashboard beyond loopback, in Chromium (docs/dashboard.md, "Auth": beyond loopback the API
 * needs the admin token): the page shell loads, its API calls answer 401, so it shows no data and
 * asks for the token; with the token entered it renders the topology. The admin binds 0.0.0.0 (not
 * loopback) and the browser reaches it through 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { App } from '../../src/app/app.js';
import { startTokenAdminApp } from '../integration/control-util.js';
import { launchChromium, until } from './browser-util.js';

const TOKEN = 'dashboard-browser-token';
let app: App;
let base: string;
let browser: Browser;
let page: Page;

before(async () => {
  ({ app, base } = await startTokenAdminApp(TOKEN));
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
    await page.goto(`${base}/`, { waitUntil: 'load' });
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
