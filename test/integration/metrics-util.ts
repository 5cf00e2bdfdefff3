/** Helpers for the metrics tests: a real app (gateway + admin server), scraping and reading /metrics. */
import { request } from 'node:http';
import { type App, startApp } from '../../src/app/app.js';
import { createLogger } from '../../src/telemetry/logging.js';
import { makeConfig } from './proxy-util.js';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** startApp on port 0 for both the listener and the admin server, logs silenced. */
export async function startKeel(
  raw: Record<string, unknown>,
): Promise<{ app: App; url: string; admin: string }> {
  const config = makeConfig({ admin: { host: '127.0.0.1', port: 0 }, ...raw });
  const app = await startApp({ config, version: 'test-v1', logger: createLogger({ level: 'silent' }) });
  const l = app.listeners[0]!;
  return { app, url: `http://${l.host}:${l.port}`, admin: `http://${app.admin!.host}:${app.admin!.port}` };
}

export function scrape(
  adminUrl: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${adminUrl}/metrics`, { agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), text }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Parses the text exposition format (0.0.4): one sample per non-comment line. */
export function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m) throw new Error(`unparsable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The sum of the samples named `name` whose labels include `where`. */
export function sum(samples: Sample[], name: string, where: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

/** Cumulative buckets (le -> count) of a histogram, summed over the series matching `where`. */
export function buckets(
  samples: Sample[],
  name: string,
  where: Record<string, string> = {},
): Array<[number, number]> {
  const byLe = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || !Object.entries(where).every(([k, v]) => s.labels[k] === v)) continue;
    const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return [...byLe.entries()].sort((a, b) => a[0] - b[0]);
}

/** Prometheus's histogram_quantile: linear interpolation inside the bucket holding the rank. */
export function histogramQuantile(q: number, cumulative: Array<[number, number]>): number {
  const total = cumulative.at(-1)![1];
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of cumulative) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return prevLe;
      return prevLe + (le - prevLe) * ((rank - prevCount) / (count - prevCount));
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

/** Index of the bucket a value falls in (its smallest upper bound >= value). */
export function bucketIndex(value: number, bounds: number[]): number {
  const i = bounds.findIndex((b) => value <= b);
  return i < 0 ? bounds.length : i;
}
