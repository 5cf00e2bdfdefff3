/**
 * The dashboard on an admin server beyond loopback (docs/dashboard.md, "Auth";
 * src/admin/dashboard-route.ts): the page's static files hold no data and stay open (a browser
 * cannot attach a Bearer token to a navigation, so the page must load to ask for it), while every
 * API call the page makes needs the admin token. The admin binds 0.0.0.0 — not loopback — and is
 * reached through 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { App } from '../../src/app/app.js';
import { startTokenAdminApp } from './control-util.js';

const TOKEN = 'dashboard-test-token';
let app: App;
let base: string;

before(async () => {
  ({ app, base } = await startTokenAdminApp(TOKEN));
});
after(() => app?.shutdown('test done'));

const status = async (path: string, token?: string) =>
  (await fetch(`${base}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {})).status;

describe('dashboard auth beyond loopback', () => {
  it('serves the page shell without the token', async () => {
    const r = await fetch(`${base}/`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    assert.doesNotMatch(await r.text(), /https?:\/\/(?!www\.w3\.org)/, 'no external links');
  });

  it('answers the API calls the page makes only with the token', async () => {
    for (const path of ['/api/v1/pools', '/api/v1/routes', '/handoff', '/api/v1/slos', '/api/v1/series']) {
      assert.equal(await status(path), 401, `${path} without a token`);
      assert.equal(await status(path, 'wrong'), 401, `${path} with a wrong token`);
      assert.equal(await status(path, TOKEN), 200, `${path} with the token`);
    }
  });
});
