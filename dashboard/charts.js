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
    // Off the chart (no cursor) the legend shows each series' latest value, not uPlot's "--":
    // uPlot asks with a null index then (docs/dashboard.md, "Charts").
    /** @type {(u: any, v: number | null, sidx: number, idx: number | null) => string} */
    const legendValue = (u, v, sidx, idx) => {
      const x = idx === null ? latest(u.data[sidx]) : v;
      return x === null || x === undefined ? '–' : fmt(x);
    };
    /** @type {(u: any, v: number | null, sidx: number, idx: number | null) => string} */
    const legendTime = (u, v, _sidx, idx) => {
      const i = idx === null ? latestIndex(u.data) : idx;
      const t = i === -1 ? null : idx === null ? u.data[0][i] : v;
      return t === null || t === undefined ? '–' : `${idx === null ? 'latest ' : ''}${clock(t)}`;
    };
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
        { label: 'time', value: legendTime },
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
    fit(c);
  } else {
    c.plot.setData(data);
  }
  // The canvas is opaque to assistive technology: the figure's label carries the latest values.
  const summary = defs.map((d, i) => `${d.label} ${lastValue(data[i + 1], fmt)}`).join(', ');
  c.fig.setAttribute('aria-label', `${title}; latest: ${summary}`);
}

/** @param {Array<number | null> | undefined} xs @param {(v: number) => string} fmt */
function lastValue(xs, fmt) {
  const v = latest(xs);
  return v === null ? 'no data' : fmt(v);
}

/** The last non-null value of a series, or null. @param {Array<number | null> | undefined} xs */
function latest(xs) {
  for (let i = (xs?.length ?? 0) - 1; i >= 0; i--) {
    const v = xs?.[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

/** The last index where any series has a value, or -1. @param {Array<Array<number | null>>} data */
function latestIndex(data) {
  for (let i = (data[0]?.length ?? 0) - 1; i >= 0; i--)
    if (data.slice(1).some((xs) => xs[i] !== null && xs[i] !== undefined)) return i;
  return -1;
}

/** @param {number} epochSeconds */
function clock(epochSeconds) {
  return new Date(epochSeconds * 1000).toLocaleTimeString();
}

/** The chart's width is its column's, whatever the layout does. @param {HTMLElement} el */
function width(el) {
  return Math.max(120, Math.floor(el.clientWidth || el.parentElement?.clientWidth || 320));
}

/**
 * Sizes a chart to its holder now and whenever the holder's width changes: a window resize, a
 * scrollbar appearing once the first poll fills the page, a grid reflowing its columns. The
 * holder is a block whose width comes from its column, never from the chart inside it, so
 * resizing the chart cannot feed back into the observer.
 * @param {Chart} c
 */
function fit(c) {
  let last = -1;
  const apply = () => {
    const w = width(c.holder);
    if (w === last) return;
    last = w;
    c.plot.setSize({ width: w, height: HEIGHT });
  };
  apply();
  new ResizeObserver(() => requestAnimationFrame(apply)).observe(c.holder);
}
