/**
 * What the dashboard shows beyond its happy path, in Chromium against `keel demo` on ephemeral
 * ports (docs/dashboard.md): a clear "connecting" state until the first poll answers, and a note
 * with the JSON links when JavaScript is off; charts as wide as their column, following it when
 * the window changes; legends with the latest values off the chart; and a timeline that never
 * says "restored" for a host that is still down.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type Demo, startDemo } from '../../src/cli/demo-start.js';
import { createLogger } from '../../src/telemetry/logging.js';
import { adminPost } from '../integration/control-util.js';
import { launchChromium, pacedTraffic, until, watchPage } from './browser-util.js';

let demo: Demo;
let browser: Browser;
let traffic: ReturnType<typeof pacedTraffic>;
const link = () => `${demo.adminUrl}/#token=${demo.adminToken}`;

before(async () => {
  demo = await startDemo({
    port: 0,
    adminPort: 0,
    upstreamPorts: [0, 0, 0],
    logger: createLogger({ level: 'silent' }),
  });
  traffic = pacedTraffic(`${demo.gatewayUrl}/work`, { rps: 10, max: 3000 });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await traffic?.stop();
  await demo?.close();
});

async function open(width = 1280): Promise<{ page: Page; problems: string[]; close(): Promise<void> }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const watch = watchPage(page, demo.adminUrl);
  return {
    page,
    problems: watch.problems,
    close: async () => {
      watch.stop();
      await page.close();
    },
  };
}

/** Each chart's drawn width against its column's (the figure's content box), in CSS pixels. */
function chartWidths(page: Page) {
  // (tsconfig has no DOM lib: the page-side code is a string.)
  return page.evaluate<Array<{ id: string; chart: number; column: number }>>(`
    [...document.querySelectorAll('figure.chart')].map((f) => ({
      id: f.dataset.testid,
      chart: f.querySelector('.uplot').getBoundingClientRect().width,
      column: f.getBoundingClientRect().width,
    }))`);
}

const fits = (ws: Array<{ chart: number; column: number }>) =>
  ws.length > 0 && ws.every((w) => Math.abs(w.chart - w.column) <= 1);

describe('dashboard rendering in Chromium', () => {
  it('says it is connecting until the first poll answers, then shows the data', async () => {
    const { page, problems, close } = await open();
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let held = 0;
    // Hold every API answer: the page has loaded, its first poll has not come back.
    await page.route(
      (url) => url.pathname.startsWith('/api/') || url.pathname === '/handoff',
      async (route) => {
        held++;
        await gate;
        await route.continue();
      },
    );
    try {
      await page.goto(link(), { waitUntil: 'load' });
      await until('the first poll to be in flight', async () => held > 0, 5_000);
      const conn = page.locator('[data-testid="connection"]');
      assert.equal(await conn.getAttribute('data-state'), 'connecting');
      assert.equal(await conn.textContent(), 'Connecting to the admin API…');
      const pending = page.locator('main .pending');
      assert.equal(await pending.count(), 5, 'one line per panel that fills from the API');
      for (const p of await pending.all()) {
        assert.ok(await p.isVisible());
        assert.equal(await p.textContent(), 'Connecting to the admin API…');
      }
      assert.equal(await page.locator('.five').isVisible(), false, 'no dashes in place of the handoff');

      release();
      await until(
        'the page to go live',
        async () => (await page.locator('main').getAttribute('data-state')) === 'live',
        10_000,
      );
      assert.equal(await pending.first().isVisible(), false);
      assert.match(
        (await page.locator('[data-testid="handoff-health"]').textContent()) ?? '',
        /^(healthy|degraded|critical)$/,
      );
      assert.equal(await page.locator('[data-testid="host-app-app-1"]').isVisible(), true);
      assert.deepEqual(problems, []);
    } finally {
      release();
      await close();
    }
  });

  it('without JavaScript it says so and links the same data as JSON', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await ctx.newPage();
      await page.goto(`${demo.adminUrl}/`, { waitUntil: 'load' });
      const note = page.locator('[data-testid="noscript"]');
      assert.equal(await note.isVisible(), true);
      assert.match((await note.textContent()) ?? '', /JavaScript, which is off/);
      const hrefs = await note.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.deepEqual(hrefs, [
        '/handoff?pretty',
        '/api/v1/pools?pretty',
        '/api/v1/slos?pretty',
        '/api/v1/series?pretty',
      ]);
      // The links answer readable JSON on this loopback admin.
      const res = await fetch(`${demo.adminUrl}/api/v1/pools?pretty`);
      assert.match(await res.text(), /^\[\n {2}\{\n {4}"name": "app"/);
    } finally {
      await ctx.close();
    }
  });

  it('charts fill their column, and follow it when the window is resized', async () => {
    const { page, problems, close } = await open(1280);
    try {
      await page.goto(link(), { waitUntil: 'load' });
      await page.locator('[data-testid="chart-latency-pool-app"] .uplot canvas').waitFor({ timeout: 10_000 });
      const wide = await until(
        'every chart as wide as its column',
        async () => {
          const ws = await chartWidths(page);
          // budget-down, and rps/errors/latency for route app and pool app (the traffic's)
          return ws.length >= 7 && fits(ws) ? ws : undefined;
        },
        5_000,
      );
      await page.setViewportSize({ width: 720, height: 900 });
      const narrow = await until(
        'the charts to follow the narrower columns',
        async () => {
          const ws = await chartWidths(page);
          return fits(ws) && ws[0]!.column < wide[0]!.column ? ws : undefined;
        },
        5_000,
      );
      assert.ok(
        narrow.every((w) => w.chart < 700),
        JSON.stringify(narrow),
      );
      await page.setViewportSize({ width: 1600, height: 900 });
      await until(
        'the charts to follow the wider columns',
        async () => {
          const ws = await chartWidths(page);
          return fits(ws) && ws[0]!.column > wide[0]!.column ? ws : undefined;
        },
        5_000,
      );
      // A column that changes with no window resize (here: the page's own width): still followed.
      await page.evaluate(`document.querySelector('main').style.maxWidth = '900px'`);
      await until(
        'the charts to follow a narrower main column',
        async () => {
          const ws = await chartWidths(page);
          return fits(ws) && ws.every((w) => w.column < 900) ? ws : undefined;
        },
        5_000,
      );
      await page.evaluate(`document.querySelector('main').style.maxWidth = ''`);
      // A phone: one column, as wide as the screen, and nothing scrolls sideways.
      await page.setViewportSize({ width: 360, height: 800 });
      const phone = await until(
        'the charts to fit a phone',
        async () => {
          const ws = await chartWidths(page);
          return fits(ws) && ws.every((w) => w.column <= 360) ? ws : undefined;
        },
        5_000,
      );
      assert.ok(
        phone.every((w) => w.chart > 250),
        JSON.stringify(phone),
      );
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  it('legends show the latest values off the chart, and the hovered point on it', async () => {
    const { page, problems, close } = await open();
    try {
      await page.goto(link(), { waitUntil: 'load' });
      const fig = page.locator('[data-testid="chart-rps-app"]');
      // The figure's label and the legend come from the same data: wait for traffic in the label.
      const label = await until(
        'traffic in the rps chart',
        async () => {
          const l = (await fig.getAttribute('aria-label')) ?? '';
          return Number(/latest: req\/s ([\d.]+)\/s/.exec(l)?.[1] ?? 0) > 0 ? l : undefined;
        },
        15_000,
      );
      const legend = async () => fig.locator('.u-legend .u-value').allTextContents();
      const [time, rps] = await until(
        'the legend to match the label',
        async () => {
          const v = await legend();
          const now = /latest: req\/s ([\d.]+\/s)/.exec((await fig.getAttribute('aria-label')) ?? '')?.[1];
          return v[1] === now ? v : undefined;
        },
        5_000,
      );
      assert.match(time!, /^latest \d/, `time legend: ${time}`);
      assert.match(rps!, /^[\d.]+\/s$/, `rps legend: ${rps} (label: ${label})`);
      for (const v of await page.locator('[data-testid^="chart-"] .u-legend .u-value').allTextContents())
        assert.notEqual(v, '--', 'no uPlot placeholder');

      // On the chart, the legend follows the cursor; off it again, back to the latest.
      await fig.scrollIntoViewIfNeeded();
      const box = (await fig.locator('.uplot .u-over').boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
      const hovered = await until(
        'the legend to follow the cursor',
        async () => {
          const v = await legend();
          return v[0] && !v[0].startsWith('latest') ? v : undefined;
        },
        5_000,
      );
      assert.match(hovered[0]!, /^\d/);
      await page.mouse.move(1, 1);
      await until(
        'the legend back to the latest',
        async () => (await legend())[0]?.startsWith('latest '),
        5_000,
      );
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  it('the timeline never says "restored" for a host that is still down', async () => {
    const { page, problems, close } = await open();
    const fault = (mode: string) =>
      adminPost(demo.adminUrl, '/api/v1/demo/upstreams/app-2/fault', { mode }, demo.adminToken);
    try {
      await page.goto(link(), { waitUntil: 'load' });
      const timeline = page.locator('[data-testid="timeline"]');
      const about = (type: string) => timeline.locator(`li[data-type="${type}"]`, { hasText: 'host app-2' });
      assert.equal((await fault('down')).status, 200);
      // Bursts of concurrent requests, until two of them have reached app-2 and ejected it (light
      // traffic may leave that to its health checks, which never eject).
      await until(
        'app-2 ejected',
        async () => {
          await Promise.all(
            Array.from({ length: 20 }, () => fetch(`${demo.gatewayUrl}/burst`).then((r) => r.arrayBuffer())),
          );
          return (await about('host.ejected').count()) > 0;
        },
        10_000,
      );
      // Ejected for 5 s (docs/operations.md, the demo config); its health checks fail meanwhile.
      await about('host.ejection_ended').first().waitFor({ timeout: 20_000 });
      const state = await page.locator('[data-testid="host-app-app-2"]').getAttribute('data-state');
      assert.equal(state, 'unhealthy');
      assert.equal(await about('host.restored').count(), 0, 'no "restored" while app-2 is down');
      assert.match(
        (await about('host.ejection_ended').first().textContent()) ?? '',
        /still failing its active health check/,
      );

      assert.equal((await fault('ok')).status, 200);
      // The real recovery: its health checks pass again.
      const back = timeline.locator('li[data-type="health.changed"]', {
        hasText: 'host app-2 unhealthy → healthy',
      });
      await back.first().waitFor({ timeout: 20_000 });
      assert.deepEqual(problems, []);
    } finally {
      await fault('ok');
      await close();
    }
  });
});
