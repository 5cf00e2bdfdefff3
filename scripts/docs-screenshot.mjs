#!/usr/bin/env node
// `npm run docs:screenshot`: refreshes docs/dashboard.png, the image the README and
// docs/dashboard.md show, on purpose (the browser tests write theirs to test-artifacts/ only).
// Runs `keel demo` in-process on free ports with light traffic on both of its routes, puts app-2
// down so the page shows a host out of rotation, waits until every panel has data, and takes a
// full-page screenshot in the Chromium the browser tests use (KEEL_CHROMIUM, else
// /usr/bin/chromium; test/services/browser-util.ts). Needs a build: the npm script runs one.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const dist = (p) => join(root, 'dist', p);
if (!existsSync(dist('src/cli/demo-start.js'))) {
  console.error('no build in dist/: run `npm run build` first (npm run docs:screenshot does)');
  process.exit(1);
}
const { startDemo } = await import(dist('src/cli/demo-start.js'));
const { createLogger } = await import(dist('src/telemetry/logging.js'));
const { launchChromium, until } = await import(dist('test/services/browser-util.js'));

const OUT = join(root, 'docs', 'dashboard.png');
const WARMUP_MS = 30_000; // enough 2 s steps for the charts to draw lines, not dots

const demo = await startDemo({
  port: 0,
  adminPort: 0,
  upstreamPorts: [0, 0, 0],
  traffic: 8, // route "app", through the demo's own background traffic
  logger: createLogger({ level: 'silent' }),
});
// Route "static" (the edge cache) too, so its charts are on the page as well.
const statics = setInterval(() => {
  fetch(`${demo.gatewayUrl}/static/logo`).then(
    (r) => r.arrayBuffer(),
    () => undefined,
  );
}, 500);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${demo.adminUrl}/#token=${demo.adminToken}`, { waitUntil: 'load' });
  await page.locator('[data-testid="chart-rps-static"] .uplot canvas').waitFor({ timeout: 20_000 });
  console.log(`warming up for ${WARMUP_MS / 1000} s…`);
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  await page.locator('[data-testid="fault-app-2-down"]').click();
  const outOfRotation = ['ejected', 'breaker_open', 'breaker_half_open', 'unhealthy'];
  await until(
    'app-2 out of rotation on the page',
    async () =>
      outOfRotation.includes(
        (await page.locator('[data-testid="host-app-app-2"]').getAttribute('data-state')) ?? '',
      ),
    20_000,
  );
  await until(
    'a few polls after app-2 went down',
    async () => (await page.locator('[data-testid="timeline"] li', { hasText: 'host app-2' }).count()) >= 1,
    10_000,
  );
  await page.mouse.move(0, 0); // legends at their latest values
  await page.screenshot({ path: OUT, fullPage: true });
  console.log(`wrote ${OUT}`);
} finally {
  clearInterval(statics);
  await browser.close();
  await demo.close();
}
