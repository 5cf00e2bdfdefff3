// `keel demo` only: a button per demo upstream and fault mode (POST /api/v1/demo/upstreams/NAME/fault).
// The buttons are built once and only their state is updated on each poll, so keyboard focus stays.
import { byId, el } from './render.js';

const MODES = [
  ['down', 'down'],
  ['slow', 'slow (2 s)'],
  ['errors', 'errors (500s)'],
  ['ok', 'ok'],
];
/** @type {Map<string, { box: HTMLElement, mode: HTMLElement }>} */
const groups = new Map();

/**
 * @param {any[]} ups DemoUpstreamInfo[]
 * @param {(name: string, mode: string) => Promise<void>} onFault
 */
export function renderDemo(ups, onFault) {
  const section = byId('demo');
  section.hidden = false;
  for (const u of ups) {
    let g = groups.get(u.name);
    if (!g) {
      const mode = el('span', { class: 'mode', 'data-testid': `demo-mode-${u.name}` });
      const buttons = MODES.map(([m, text]) => {
        const b = el(
          'button',
          { type: 'button', 'data-testid': `fault-${u.name}-${m}`, 'aria-label': `${u.name}: ${text}` },
          /** @type {string} */ (text),
        );
        b.addEventListener('click', () => void onFault(u.name, /** @type {string} */ (m)));
        return b;
      });
      const box = el(
        'fieldset',
        { class: 'fault', 'data-testid': `demo-${u.name}` },
        el('legend', {}, `${u.name} `, mode),
        ...buttons,
      );
      byId('faults').append(box);
      g = { box, mode };
      groups.set(u.name, g);
    }
    g.mode.textContent = `(now: ${u.fault.mode})`;
    g.box.setAttribute('data-state', u.fault.mode);
    for (const b of g.box.querySelectorAll('button'))
      b.setAttribute('aria-pressed', String(b.dataset.testid === `fault-${u.name}-${u.fault.mode}`));
  }
}
