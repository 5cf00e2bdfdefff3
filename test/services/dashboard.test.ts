/**
 * The dashboard in a real browser (docs/dashboard.md): Debian's Chromium, driven by
 * playwright-core, against `keel demo` started in-process on ephemeral ports. The page loads with
 * no console errors, the charts draw and follow live traffic, putting app-2 down turns its host
 * out of rotation on the page within seconds, the fault buttons work from the keyboard, a page
 * broken on every host shows as a failing endpoint (not as hosts down), and a screenshot of the
 * app-2-down state lands in test-artifacts/ (never in docs/: the README's image is refreshed on
 * purpose, by `npm run docs:screenshot`).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { DemoUpstreamInfo } from '../../src/admin/api-types.js';
import { type Demo, startDemo } from '../../src/cli/demo-start.js';
import { createLogger } from '../../src/telemetry/logging.js';
import { adminPost, getJson } from '../integration/control-util.js';
import { launchChromium, pacedTraffic, until, watchPage } from './browser-util.js';

const OUT_OF_ROTATION = ['ejected', 'breaker_open', 'breaker_half_open', 'unhealthy'];
const host = (name: string) => `[data-testid="host-app-${name}"]`;
const fault = (name: string, mode: string) => `[data-testid="fault-${name}-${mode}"]`;

let demo: Demo;
let browser: Browser;
let page: Page;
let watch: ReturnType<typeof watchPage>;
let traffic: ReturnType<typeof pacedTraffic>;

before(async () => {
  demo = await startDemo({
    port: 0,
    adminPort: 0,
    upstreamPorts: [0, 0, 0],
    logger: createLogger({ level: 'silent' }),
  });
  traffic = pacedTraffic(`${demo.gatewayUrl}/work`, { rps: 20, max: 3000 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watch = watchPage(page, demo.adminUrl);
});

after(async () => {
  watch?.stop();
  await browser?.close();
  await traffic?.stop();
  await demo?.close();
});

async function faultMode(name: string): Promise<string | undefined> {
  const ups = await getJson<DemoUpstreamInfo[]>(`${demo.adminUrl}/api/v1/demo/upstreams`);
  return ups?.find((u) => u.name === name)?.fault.mode;
}

describe('dashboard in Chromium', () => {
  it('loads with no console errors and shows the demo hosts', async () => {
    // The link the demo prints: the admin token rides in the fragment (docs/security.md).
    await page.goto(`${demo.adminUrl}/#token=${demo.adminToken}`, { waitUntil: 'load' });
    for (const n of ['app-1', 'app-2', 'app-3'])
      await page.locator(host(n)).waitFor({ state: 'visible', timeout: 10_000 });
    assert.deepEqual(watch.problems, []);
  });

  it('draws the charts and follows live traffic', async () => {
    const chart = page.locator('[data-testid="chart-rps-app"]');
    const canvas = chart.locator('.uplot canvas').first();
    await canvas.waitFor({ state: 'visible', timeout: 10_000 });
    const box = await canvas.boundingBox();
    assert.ok(box && box.width > 0 && box.height > 0, `canvas box ${JSON.stringify(box)}`);
    const image = () => canvas.evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL());
    const first = await image();
    // The figure's accessible label carries the latest value ("…; latest: req/s 19.5/s"); the
    // series step is 2 s, so within a few steps the traffic shows there and uPlot redraws.
    const label = await until(
      'the rps chart to show traffic',
      async () => {
        const l = (await chart.getAttribute('aria-label')) ?? '';
        const rps = Number(/latest: req\/s ([\d.]+)\/s/.exec(l)?.[1] ?? 0);
        return rps > 0 && (await image()) !== first ? l : undefined;
      },
      15_000,
    );
    assert.match(label, /requests per second/);
    assert.deepEqual(watch.problems, []);
  });

  it("draws the SLO burn-down over the window from the server's budget_history", async () => {
    const chart = page.locator('[data-testid="chart-budget-app-availability"]');
    await chart.locator('.uplot canvas').first().waitFor({ state: 'visible', timeout: 10_000 });
    const label = await until(
      'the burn-down to show the budget left',
      async () => {
        const l = (await chart.getAttribute('aria-label')) ?? '';
        return /latest: budget left -?[\d.]+%/.test(l) ? l : undefined;
      },
      15_000,
    );
    assert.match(label, /error budget left over the 7d window/);
    assert.deepEqual(watch.problems, []);
  });

  it('putting app-2 down turns its host out of rotation on the page within seconds', async () => {
    await page.locator(fault('app-2', 'down')).click();
    await until('app-2 down in the admin API', async () => (await faultMode('app-2')) === 'down', 5_000);
    const state = await until(
      'app-2 out of rotation on the page',
      async () => {
        const s = await page.locator(host('app-2')).getAttribute('data-state');
        return s !== null && OUT_OF_ROTATION.includes(s) ? s : undefined;
      },
      15_000,
    );
    assert.ok(OUT_OF_ROTATION.includes(state), state);
    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/dashboard.png', fullPage: true });
    assert.deepEqual(watch.problems, []);
  });

  it('the fault buttons are reachable with Tab and work with Space and Enter', async () => {
    // (tsconfig has no DOM lib: the page-side code is a string.)
    const focusedTestId = () =>
      page.evaluate<string | null>("document.activeElement?.getAttribute('data-testid') ?? null");
    // From a fixed start (the page heading, not focusable): Tab walks the page's focus order.
    const tabTo = async (testId: string) => {
      await page.locator('h1').click();
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        if ((await focusedTestId()) === testId) return;
      }
      assert.fail(`Tab never reached ${testId}`);
    };
    // The button's accessible name says what it does (aria-label: "app-2: ok").
    assert.equal(
      await page.getByRole('button', { name: 'app-2: ok' }).getAttribute('data-testid'),
      'fault-app-2-ok',
    );
    await tabTo('fault-app-2-ok');
    await page.keyboard.press('Space');
    await until('app-2 ok after Space', async () => (await faultMode('app-2')) === 'ok', 5_000);
    await tabTo('fault-app-2-down');
    await page.keyboard.press('Enter');
    await until('app-2 down after Enter', async () => (await faultMode('app-2')) === 'down', 5_000);
    assert.deepEqual(watch.problems, []);
  });

  it('one page broken on every host shows as a failing endpoint under its pool, not as hosts down', async () => {
    const setFault = (name: string, body: unknown) =>
      adminPost(demo.adminUrl, `/api/v1/demo/upstreams/${name}/fault`, body, demo.adminToken);
    await setFault('app-2', { mode: 'ok' });
    for (const name of ['app-1', 'app-2', 'app-3']) {
      await setFault(name, { mode: 'errors', error_rate: 1, path_prefix: '/broken' });
    }
    try {
      await until(
        'the /broken endpoint breaker to open',
        async () => ((await fetch(`${demo.gatewayUrl}/broken`)).status === 503 ? true : undefined),
        15_000,
      );
      const endpoint = page.locator('[data-testid="endpoint-app-GET /broken"]');
      await until(
        'the failing endpoint on the page',
        async () =>
          (await endpoint.getAttribute('data-state').catch(() => null)) === 'open' ? true : undefined,
        15_000,
      );
      assert.match(
        (await endpoint.getAttribute('aria-label')) ?? '',
        /endpoint GET \/broken of route app: failing on every host/,
      );
      for (const n of ['app-1', 'app-3']) {
        const s = await page.locator(host(n)).getAttribute('data-state');
        assert.ok(
          s !== null && !OUT_OF_ROTATION.includes(s),
          `${n} is ${s}: a broken page takes no host down`,
        );
      }
      assert.deepEqual(watch.problems, []);
    } finally {
      for (const name of ['app-1', 'app-2', 'app-3']) await setFault(name, { mode: 'ok' });
    }
  });
});
