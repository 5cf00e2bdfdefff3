// DOM rendering of the admin API's JSON (shapes: src/admin/api-types.ts). Text goes in through
// textContent only, never innerHTML: names come from a config file and are not trusted markup.

/** Host states (HostView.state) and their visible text: colour is never the only cue. */
export const STATE_TEXT = {
  healthy: 'healthy',
  slow_start: 'slow start',
  breaker_half_open: 'breaker half-open',
  ejected: 'ejected',
  breaker_open: 'breaker open',
  unhealthy: 'unhealthy',
  draining: 'draining',
};

/**
 * @param {string} tag
 * @param {Record<string, string>} [attrs] `data-*`, `aria-*`, class, etc.
 * @param {...(Node | string)} kids
 */
export function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...kids);
  return e;
}

/** @param {string} id */
export function byId(id) {
  const e = document.getElementById(id);
  if (!e) throw new Error(`dashboard: #${id} is missing from index.html`);
  return e;
}

/** @param {string} testid */
function byTestId(testid) {
  const e = document.querySelector(`[data-testid="${testid}"]`);
  if (!e) throw new Error(`dashboard: [data-testid=${testid}] is missing`);
  return e;
}

/**
 * gateway → routes → pools → hosts, one row per pool (its routes on the left, its hosts on the
 * right). Rebuilt on every poll: it holds nothing focusable, so no focus is lost.
 * @param {any[]} pools PoolView[]
 * @param {any[]} routes RouteView[]
 */
export function renderTopology(pools, routes) {
  const rows = pools.map((p) => {
    const rs = routes.filter((r) => r.pool === p.name);
    const routeNodes = el(
      'ul',
      { class: 'col routes', 'aria-label': `Routes to pool ${p.name}` },
      ...(rs.length ? rs : [{ name: '(no route)', match: null }]).map((r) =>
        el(
          'li',
          { class: 'node route', 'data-testid': `route-${r.name}` },
          el('strong', {}, r.name),
          el('span', { class: 'sub' }, matchText(r.match)),
        ),
      ),
    );
    const pool = el(
      'div',
      {
        class: 'node pool',
        'data-testid': `pool-${p.name}`,
        'data-state': p.panic ? 'panic' : p.available === 0 ? 'down' : 'ok',
      },
      el('strong', {}, `pool ${p.name}`),
      el('span', { class: 'sub' }, `${p.available}/${p.total} available${p.panic ? ' — PANIC' : ''}`),
      el('span', { class: 'sub' }, `${p.algorithm}, ${p.in_flight} in flight`),
      ...endpointList(p),
    );
    const hosts = el(
      'ul',
      { class: 'col hosts', 'aria-label': `Hosts of pool ${p.name}` },
      ...p.hosts.map((/** @type {any} */ h) => {
        const text = STATE_TEXT[/** @type {keyof typeof STATE_TEXT} */ (h.state)] ?? h.state;
        return el(
          'li',
          {
            class: 'node host',
            'data-testid': `host-${p.name}-${h.name}`,
            'data-state': h.state,
            'aria-label': `host ${h.name} in pool ${p.name}: ${text}`,
          },
          el('strong', {}, h.name),
          el('span', { class: 'state' }, text),
          el('span', { class: 'sub' }, `${Math.round(h.latency_ewma_ms)} ms ewma, ${h.in_flight} in flight`),
        );
      }),
    );
    const arrow = () => el('span', { class: 'edge', 'aria-hidden': 'true' }, '→');
    return el('li', { class: 'topo-row' }, arrow(), routeNodes, arrow(), pool, arrow(), hosts);
  });
  const topo = byId('topo');
  topo.replaceChildren(
    el('div', { class: 'node gateway', 'data-testid': 'gateway' }, el('strong', {}, 'gateway')),
    el('ul', { class: 'topo-rows', 'aria-label': 'Routes, pools and hosts' }, ...rows),
  );
}

/** Endpoint breaker states (EndpointView.state) and their visible text. */
export const ENDPOINT_TEXT = {
  open: 'failing on every host: answered 503',
  half_open: 'failing: probing',
  closed: 'some failures',
};

/**
 * The pool's endpoints that fail (docs/health.md, "Endpoints"): an endpoint failing on every
 * host, shown apart from the hosts, which are not to blame for it.
 * @param {any} p PoolView
 */
function endpointList(p) {
  const eps = p.endpoints ?? [];
  if (eps.length === 0) return [];
  return [
    el(
      'ul',
      { class: 'endpoints', 'aria-label': `Failing endpoints of pool ${p.name}` },
      ...eps.map((/** @type {any} */ e) => {
        const text = ENDPOINT_TEXT[/** @type {keyof typeof ENDPOINT_TEXT} */ (e.state)] ?? e.state;
        const detail =
          e.state === 'closed'
            ? `${e.failures}/${e.requests} tries failed`
            : `${e.refused} refused, on ${e.failing_hosts} host${e.failing_hosts === 1 ? '' : 's'}`;
        return el(
          'li',
          {
            class: 'endpoint',
            'data-testid': `endpoint-${e.route}-${e.endpoint}`,
            'data-state': e.state,
            'aria-label': `endpoint ${e.endpoint} of route ${e.route}: ${text}`,
          },
          el('strong', {}, e.endpoint),
          el('span', { class: 'state' }, text),
          el('span', { class: 'sub' }, `route ${e.route}, ${detail}`),
        );
      }),
    ),
  ];
}

/** @param {any} m RouteMatch */
function matchText(m) {
  if (!m) return '';
  const parts = [];
  if (m.hosts?.length) parts.push(m.hosts.join(','));
  if (m.path_prefix) parts.push(`${m.path_prefix}*`);
  if (m.methods?.length) parts.push(m.methods.join(','));
  return parts.join(' ') || 'any';
}

/** @param {any} h HandoffReport */
export function renderHandoff(h) {
  const health = byTestId('handoff-health');
  health.textContent = h.system_health;
  health.setAttribute('data-state', h.system_health);
  byTestId('handoff-load').textContent = h.current_load;
  byTestId('handoff-headroom').textContent = h.scaling_headroom;
  byTestId('handoff-incidents').textContent = String(h.active_incidents);
  byTestId('handoff-changes').textContent = `${h.recent_changes.length} (see the timeline)`;
  byId('incidents').replaceChildren(
    ...(h.details?.incidents ?? []).map((/** @type {any} */ i) =>
      el('li', { 'data-kind': i.kind }, i.description),
    ),
  );
  byId('timeline').replaceChildren(
    ...h.recent_changes
      .slice(0, 30)
      .map((/** @type {any} */ c) =>
        el(
          'li',
          { 'data-type': c.type },
          el('time', { datetime: c.time }, new Date(c.time).toLocaleTimeString()),
          ' ',
          el('strong', {}, c.type),
          ' ',
          changeText(c),
        ),
      ),
  );
}

/** @param {any} c Change */
function changeText(c) {
  const where = [
    c.pool && `pool ${c.pool}`,
    c.host && `host ${c.host}`,
    c.route && `route ${c.route}`,
    c.endpoint && `endpoint ${c.endpoint}`,
  ]
    .filter(Boolean)
    .join(', ');
  const move = c.from && c.to ? ` ${c.from} → ${c.to}` : c.to ? ` → ${c.to}` : '';
  return `${where}${move}${c.reason ? ` (${c.reason})` : ''}${c.worker ? ` [worker ${c.worker}]` : ''}`;
}
