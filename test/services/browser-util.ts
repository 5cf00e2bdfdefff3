/**
 * Helpers for the browser tests: Debian's `chromium` driven by playwright-core (no downloaded
 * browser), a watcher that turns console errors and failed same-origin requests into test
 * failures, and paced demo traffic.
 */
import { type Browser, chromium, type Page } from 'playwright-core';
import { get, type Outcome } from '../integration/control-util.js';

/** The Debian package's binary (.ci/run installs it); KEEL_CHROMIUM overrides it. */
export const CHROMIUM = process.env.KEEL_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // The network-quiet flags matter on a closed network: without them Chromium's own background
    // fetches (updates, sync, QUIC probes) fail and its connections are refused.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Everything the page got wrong, as readable lines: console errors, uncaught exceptions, and
 * same-origin requests that failed or answered >= 400. `stop()` ends collection (closing the page
 * aborts live requests such as an EventSource, which is not the page's fault).
 */
export function watchPage(page: Page, origin: string): { problems: string[]; stop(): void } {
  const problems: string[] = [];
  let on = true;
  const add = (s: string) => {
    if (on) problems.push(s);
  };
  page.on('console', (m) => {
    if (m.type() === 'error') add(`console.error: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (err) => add(`pageerror: ${err.message}`));
  page.on('requestfailed', (r) => {
    if (r.url().startsWith(origin))
      add(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.url().startsWith(origin) && r.status() >= 400) add(`HTTP ${r.status()}: ${r.url()}`);
  });
  return {
    problems,
    stop: () => {
      on = false;
    },
  };
}

/**
 * Light, paced GETs (about `rps` per second, at most `max`) until stop(): enough for the charts
 * and the outlier detector, little CPU. The pacing is traffic shape, not waiting for state.
 */
export function pacedTraffic(url: string, opts: { rps: number; max: number }) {
  const outcomes: Outcome[] = [];
  let stopped = false;
  const gap = 1000 / opts.rps;
  const done = (async () => {
    while (!stopped && outcomes.length < opts.max) {
      const t = Date.now();
      outcomes.push(await get(url));
      const rest = gap - (Date.now() - t);
      if (rest > 0 && !stopped) await new Promise((r) => setTimeout(r, rest));
    }
  })();
  return {
    outcomes,
    async stop(): Promise<Outcome[]> {
      stopped = true;
      await done;
      return outcomes;
    },
  };
}

/** Polls `fn` until it returns something other than undefined/false, or throws after `ms`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  ms: number,
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end)
      throw new Error(`timed out after ${ms}ms waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
