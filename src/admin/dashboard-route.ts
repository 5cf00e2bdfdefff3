/**
 * The dashboard's static files (docs/dashboard.md): GET / serves dashboard/index.html,
 * /dashboard/*.js|css its code and style, /assets/uplot.* the charting library from
 * node_modules. Every file is read once, at startup, from a fixed list — no path from the request
 * ever reaches the file system — and nothing points outside this server, so the page works with
 * no internet. The files hold no data and are open like the probes: a browser cannot attach a
 * Bearer token to a navigation, so the page must load to ask for the token. Every API call it
 * makes is `read` and needs the token on a non-loopback admin (auth.ts); the page sends it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { AdminRoute } from './routes.js';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

interface StaticFile {
  body: Buffer;
  type: string;
}

/** dashboard/ at the package root: three levels above dist/src/admin (two above src/admin). */
function dashboardDir(): string {
  const candidates = ['../../../dashboard/', '../../dashboard/'].map((up) =>
    fileURLToPath(new URL(up, import.meta.url)),
  );
  return candidates.find((d) => existsSync(`${d}index.html`)) ?? candidates[0]!;
}

function load(path: string): StaticFile {
  const ext = path.slice(path.lastIndexOf('.') + 1);
  return { body: readFileSync(path), type: TYPES[ext] ?? 'application/octet-stream' };
}

/** The files served, by URL path. Throws at startup if one is missing (a broken package). */
export function dashboardFiles(dir = dashboardDir()): Map<string, StaticFile> {
  const require = createRequire(import.meta.url);
  const uplot = (f: string) => require.resolve(`uplot/dist/${f}`);
  return new Map([
    ['/', load(`${dir}index.html`)],
    ['/dashboard/app.js', load(`${dir}app.js`)],
    ['/dashboard/render.js', load(`${dir}render.js`)],
    ['/dashboard/charts.js', load(`${dir}charts.js`)],
    ['/dashboard/slos.js', load(`${dir}slos.js`)],
    ['/dashboard/demo.js', load(`${dir}demo.js`)],
    ['/dashboard/style.css', load(`${dir}style.css`)],
    ['/assets/uplot.js', load(uplot('uPlot.iife.min.js'))],
    ['/assets/uplot.css', load(uplot('uPlot.min.css'))],
  ]);
}

export function dashboardRoutes(files = dashboardFiles()): AdminRoute[] {
  return [...files].map(([path, f]) => ({
    method: 'GET' as const,
    path,
    access: 'probe' as const, // no data: see the header
    handle: ({ res }) => {
      res.writeHead(200, {
        'content-type': f.type,
        'content-length': String(f.body.length),
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        // Same-origin only: no CDN, no inline script (uPlot sets inline styles on its elements).
        'content-security-policy':
          "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
      });
      res.end(res.req.method === 'HEAD' ? undefined : f.body);
      return undefined;
    },
  }));
}
