// uPlot charts, created once per key and fed new data on every poll (no page reload, no re-creation:
// uPlot redraws in place). uPlot is loaded by /assets/uplot.js as a global (its IIFE build).

/** @typedef {{ label: string, color: string }} SeriesDef */
/** @typedef {{ plot: any, holder: HTMLElement, fig: HTMLElement, title: string }} Chart */

/** Colours with ≥ 4.5:1 contrast on white; each series also has a text label in the legend. */
export const COLORS = {
  rps: '#1f4e8c',
  errors: '#b3261e',
  p50: '#1b6e3a',
  p95: '#8a5a00',
  p99: '#6b2c91',
};

/** @type {Map<string, Chart>} */
const charts = new Map();
const HEIGHT = 150;

/**
 * @param {HTMLElement} parent
 * @param {string} testid data-testid of the chart's figure, e.g. chart-rps-app
 * @param {string} title visible caption and accessible name
 * @param {SeriesDef[]} defs
 * @param {Array<Array<number | null>>} data [timestamps (epoch s), ...one array per def]
 * @param {(v: number) => string} fmt value formatter (axis, legend, summary)
 * @param {{ floor: number, cap?: number }} y the y axis starts at 0 (or the data's minimum when
 *   negative) and shows at least up to `floor`, at most up to `cap`: a flat zero stays a flat line
 */
export function upsertChart(parent, testid, title, defs, data, fmt, y) {
  let c = charts.get(testid);
  if (!c) {
    const fig = document.createElement('figure');
    fig.className = 'chart';
    fig.dataset.testid = testid;
    fig.setAttribute('role', 'group');
    const cap = document.createElement('figcaption');
    cap.textContent = title;
    const holder = document.createElement('div');
    fig.append(cap, holder);
    parent.append(fig);
    /** @type {(u: any, v: number | null) => string} */
    const legendValue = (_u, v) => (v === null || v === undefined ? '–' : fmt(v));
    const opts = {
      width: width(holder),
      height: HEIGHT,
      scales: {
        x: { time: true },
        y: {
          /** @type {(u: any, min: number | null, max: number | null) => [number, number]} */
          range: (_u, min, max) => {
            const hi = Math.max(max ?? 0, y.floor) * 1.05;
            return [Math.min(0, min ?? 0), y.cap === undefined ? hi : Math.min(hi, y.cap)];
          },
        },
      },
      series: [
        { label: 'time' },
        ...defs.map((d) => ({ label: d.label, stroke: d.color, width: 2, value: legendValue })),
      ],
      axes: [
        { stroke: '#333', grid: { stroke: '#e6e6e6' } },
        {
          stroke: '#333',
          grid: { stroke: '#e6e6e6' },
          size: 76,
          /** @type {(u: any, vals: number[]) => string[]} */
          values: (_u, vals) => vals.map((v) => (v === null ? '' : fmt(v))),
        },
      ],
    };
    const U = /** @type {any} */ (globalThis).uPlot;
    c = { plot: new U(opts, data, holder), holder, fig, title };
    charts.set(testid, c);
  } else {
    c.plot.setData(data);
  }
  // The canvas is opaque to assistive technology: the figure's label carries the latest values.
  const latest = defs.map((d, i) => `${d.label} ${lastValue(data[i + 1], fmt)}`).join(', ');
  c.fig.setAttribute('aria-label', `${title}; latest: ${latest}`);
}

/** @param {Array<number | null> | undefined} xs @param {(v: number) => string} fmt */
function lastValue(xs, fmt) {
  for (let i = (xs?.length ?? 0) - 1; i >= 0; i--) {
    const v = xs?.[i];
    if (v !== null && v !== undefined) return fmt(v);
  }
  return 'no data';
}

/** @param {HTMLElement} el */
function width(el) {
  return Math.max(260, Math.floor(el.clientWidth || el.parentElement?.clientWidth || 320));
}

let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => {
    for (const c of charts.values()) c.plot.setSize({ width: width(c.holder), height: HEIGHT });
  }, 150);
});
