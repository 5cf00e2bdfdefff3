// The Keel dashboard (docs/dashboard.md): short-polls the admin JSON API every 2 s and renders
// it. Talks to this origin only; the JSON shapes are those of src/admin/api-types.ts.
import { COLORS, upsertChart } from './charts.js';
import { renderDemo } from './demo.js';
import { byId, el, renderHandoff, renderTopology } from './render.js';
import { renderSlos } from './slos.js';

const POLL_MS = 2000;
const MINUTES = 5;
const TOKEN_KEY = 'keel-admin-token';

class Unauthorized extends Error {}

// A link printed by `keel demo` carries the admin token in its fragment (never sent to a server,
// docs/security.md): keep it for this tab and take it out of the address bar and history.
{
  const m = /^#token=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, m[1]);
    history.replaceState(null, '', location.pathname + location.search);
  }
}

/** @param {string} path @param {RequestInit} [init] */
async function api(path, init = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(path, { ...init, headers, cache: 'no-store' });
  if (res.status === 401) throw new Unauthorized(path);
  return res;
}

/** @param {string} path */
async function json(path) {
  const res = await api(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

/** @param {string} state @param {string} text */
function status(state, text) {
  const conn = byId('conn');
  conn.setAttribute('data-state', state);
  conn.textContent = text;
}

/** null: not known yet; demo upstreams are probed once (GET /api/v1/demo/upstreams: 200 vs 404). */
let isDemo = /** @type {boolean | null} */ (null);

async function poll() {
  const [pools, routes, handoff, slos, series] = await Promise.all([
    json('/api/v1/pools'),
    json('/api/v1/routes'),
    json('/handoff'),
    json('/api/v1/slos'),
    json(`/api/v1/series?minutes=${MINUTES}`),
  ]);
  renderTopology(pools, routes);
  renderHandoff(handoff);
  renderSlos(slos);
  renderCharts(series);
  if (isDemo !== false) {
    const res = await api('/api/v1/demo/upstreams');
    isDemo = res.ok;
    if (res.ok) renderDemo(await res.json(), fault);
  }
}

/** @param {string} name @param {string} mode */
async function fault(name, mode) {
  try {
    const res = await api(`/api/v1/demo/upstreams/${encodeURIComponent(name)}/fault`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode }),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    status('ok', `${name} set to ${mode}`);
    schedule(0);
  } catch (err) {
    if (err instanceof Unauthorized) return needToken();
    status('error', `Could not set ${name} to ${mode}: ${/** @type {Error} */ (err).message}`);
  }
}

/** @param {any} s SeriesResponse */
function renderCharts(s) {
  const pct = (/** @type {number} */ v) => `${(v * 100).toFixed(1)}%`;
  const rps = (/** @type {number} */ v) => `${v.toFixed(1)}/s`;
  const ms = (/** @type {number} */ v) => `${v} ms`;
  /** @param {HTMLElement} parent @param {string} kind @param {string} name @param {any} r RedSeries @param {string} prefix */
  const block = (parent, kind, name, r, prefix) => {
    let box = /** @type {HTMLElement | null} */ (parent.querySelector(`[data-key="${prefix}${name}"]`));
    if (!box) {
      box = el(
        'div',
        { class: 'chart-row', 'data-key': `${prefix}${name}` },
        el('h3', {}, `${kind} ${name}`),
      );
      parent.append(box);
    }
    const t = s.timestamps;
    upsertChart(
      box,
      `chart-rps-${prefix}${name}`,
      `${kind} ${name}: requests per second`,
      [{ label: 'req/s', color: COLORS.rps }],
      [t, r.rps],
      rps,
      { floor: 1 },
    );
    upsertChart(
      box,
      `chart-errors-${prefix}${name}`,
      `${kind} ${name}: error rate (5xx)`,
      [{ label: 'errors', color: COLORS.errors }],
      [t, r.error_rate],
      pct,
      { floor: 0.05, cap: 1 },
    );
    upsertChart(
      box,
      `chart-latency-${prefix}${name}`,
      `${kind} ${name}: latency p50, p95, p99`,
      [
        { label: 'p50', color: COLORS.p50 },
        { label: 'p95', color: COLORS.p95 },
        { label: 'p99', color: COLORS.p99 },
      ],
      [t, r.p50_ms, r.p95_ms, r.p99_ms],
      ms,
      { floor: 10 },
    );
  };
  for (const [name, r] of Object.entries(s.routes)) block(byId('chart-routes'), 'Route', name, r, '');
  for (const [name, r] of Object.entries(s.pools)) block(byId('chart-pools'), 'Pool', name, r, 'pool-');
}

function needToken() {
  status('auth', 'The admin API needs its token: enter it above.');
  const form = /** @type {HTMLFormElement} */ (byId('auth'));
  if (form.hidden) {
    form.hidden = false;
    byId('token').focus();
  }
}

byId('auth').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = /** @type {HTMLInputElement} */ (byId('token'));
  sessionStorage.setItem(TOKEN_KEY, input.value.trim());
  input.value = '';
  byId('auth').hidden = true;
  schedule(0);
});

let timer = 0;
let running = false;
/** One poll at a time: the next is scheduled when the last one has finished. @param {number} ms */
function schedule(ms) {
  clearTimeout(timer);
  timer = window.setTimeout(tick, ms);
}

async function tick() {
  if (running) return schedule(POLL_MS);
  running = true;
  try {
    await poll();
    // Constant text: a live region announcing a new time every 2 s would drown a screen reader.
    status('ok', 'Live: updates every 2 s');
    byId('main').setAttribute('data-state', 'live');
    byId('conn').setAttribute('data-updated', new Date().toISOString());
    schedule(POLL_MS);
  } catch (err) {
    if (err instanceof Unauthorized) needToken();
    else {
      // Before the first answer the panels keep saying "Connecting…"; after it they keep the last data.
      status('error', `Cannot reach the admin API (${/** @type {Error} */ (err).message}); retrying`);
      schedule(POLL_MS);
    }
  } finally {
    running = false;
  }
}

schedule(0);
