// The SLO panel: SLI against objective, budget left with a burn-down, burn rates, firing tiers.
// The burn-down is the server's (`budget_history`, docs/slo.md "Burn-down"): the share of the
// current window's budget left from the window's start to now, so it survives a page reload.
import { upsertChart } from './charts.js';
import { byId, el } from './render.js';

/** @type {Map<string, HTMLElement>} */
const articles = new Map();

/** @param {number | null | undefined} x share 0..1 @param {number} [digits] */
const pct = (x, digits = 1) => (x === null || x === undefined ? 'no data' : `${(x * 100).toFixed(digits)}%`);
/** @param {number | null | undefined} x */
const burn = (x) => (x === null || x === undefined ? '–' : `${x.toFixed(2)}x`);

/** @param {any} s SloStatus */
function stateOf(s) {
  if (s.sli === null) return 'no_data';
  if ((s.budget.remaining ?? 1) <= 0) return 'exhausted';
  if (s.alerts.some((/** @type {any} */ a) => a.firing && a.severity === 'critical')) return 'firing';
  if (s.alerts.some((/** @type {any} */ a) => a.firing)) return 'warning';
  return 'ok';
}

/** @param {{ slos: any[] }} body SlosResponse */
export function renderSlos(body) {
  byId('slo-empty').hidden = body.slos.length > 0;
  const list = byId('slo-list');
  for (const s of body.slos) {
    let a = articles.get(s.name);
    if (!a) {
      a = el('article', {
        class: 'slo',
        'data-testid': `slo-${s.name}`,
        'aria-labelledby': `slo-h-${s.name}`,
      });
      list.append(a);
      articles.set(s.name, a);
    }
    const state = stateOf(s);
    a.setAttribute('data-state', state);
    const firing = s.alerts.filter((/** @type {any} */ t) => t.firing);
    const sli = s.sli === null ? 'no data' : `${s.sli.toFixed(3)}%`;
    const facts = el(
      'dl',
      { class: 'facts' },
      fact('SLI / objective', `${sli} / ${s.objective}%`, `slo-${s.name}-sli`),
      fact('Budget remaining', pct(s.budget.remaining), `slo-${s.name}-budget`),
      fact(
        'Burn rate 5m · 1h · 6h · 3d',
        ['5m', '1h', '6h', '3d'].map((w) => burn(s.burn_rates[w])).join(' · '),
        `slo-${s.name}-burn`,
      ),
      fact(
        'Budget gone in',
        s.time_to_exhaustion_s === null ? 'not burning' : duration(s.time_to_exhaustion_s),
        `slo-${s.name}-ttl`,
      ),
    );
    const alerts = el(
      'p',
      {
        class: 'alerts',
        'data-testid': `slo-${s.name}-alerts`,
        'data-state': firing.length ? 'firing' : 'ok',
      },
      firing.length
        ? `Firing: ${firing.map((/** @type {any} */ t) => `${t.tier} (${t.severity}, burn ${burn(t.burn_long)})`).join(', ')}`
        : 'No alert firing',
    );
    const head = el(
      'h3',
      { id: `slo-h-${s.name}` },
      `${s.name} `,
      el('span', { class: 'badge', 'data-state': state }, state.replace('_', ' ')),
    );
    const kind = el('p', { class: 'sub' }, `${s.kind}, ${s.objective}% over ${s.window}`);
    let chartBox = /** @type {HTMLElement | null} */ (a.querySelector('.burn'));
    if (!chartBox) chartBox = el('div', { class: 'burn' });
    a.replaceChildren(head, kind, facts, alerts, chartBox);
    /** @type {Array<{ t: number, remaining: number | null }>} */
    const points = s.budget_history ?? [];
    upsertChart(
      chartBox,
      `chart-budget-${s.name}`,
      `${s.name}: error budget left over the ${s.window} window`,
      [{ label: 'budget left', color: '#1f4e8c' }],
      [points.map((p) => p.t), points.map((p) => (p.remaining === null ? null : p.remaining * 100))],
      (v) => `${v.toFixed(1)}%`,
      { floor: 100, cap: 100 },
    );
  }
}

/** @param {string} term @param {string} value @param {string} testid */
function fact(term, value, testid) {
  return el('div', {}, el('dt', {}, term), el('dd', { 'data-testid': testid }, value));
}

/** @param {number} s seconds */
function duration(s) {
  if (s >= 86400) return `${(s / 86400).toFixed(1)} d`;
  if (s >= 3600) return `${(s / 3600).toFixed(1)} h`;
  return `${Math.max(1, Math.round(s / 60))} min`;
}
