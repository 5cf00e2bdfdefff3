/**
 * The pipeline: substitute env → schema (section by section, pool by pool, route by route, SLO
 * by SLO) → defaults → semantic checks → freeze. Problems are data, all of them collected
 * (docs/architecture.md, "Config at the boundary").
 */
import { DEFAULT_TOP, merge } from './defaults.js';
import { type Env, substituteEnv } from './env.js';
import { deepFreeze } from './freeze.js';
import { parsePools, parseRoutes, poolRefOf } from './parse-parts.js';
import { renderPath } from './path.js';
import { inFileOrder, withoutEnvEchoes } from './problem-order.js';
import { issuesToProblems } from './problems.js';
import { resolveAdmin, resolveCacheStores, resolveListeners } from './resolve.js';
import { parseSlos, resolveAlerts } from './resolve-slo.js';
import { type ConfigInput, SECTION_NAMES, sections } from './schema.js';
import { checkSemantics } from './semantic.js';
import { pusher } from './semantic-pool.js';
import { checkGivenBurnRates, checkSlos } from './semantic-slo.js';
import { checkListenerTls } from './semantic-tls.js';
import { didYouMean, listOf } from './suggest.js';
import type { Config, ConfigProblem, PoolConfig, RouteConfig, SloConfig } from './types.js';
import { configVersion } from './version.js';

export type LoadResult =
  | { ok: true; config: Config; version: string }
  | { ok: false; problems: ConfigProblem[] };

export function validateConfig(raw: unknown, env: Env = process.env): LoadResult {
  const sub = substituteEnv(raw, env);
  const problems: ConfigProblem[] = [];
  const doc = sub.value;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    const got =
      doc === undefined || doc === null
        ? 'nothing (the config is empty)'
        : Array.isArray(doc)
          ? 'an array'
          : typeof doc;
    problems.push({
      path: renderPath([]),
      code: 'invalid_type',
      message: `expected an object of sections, received ${got}`,
      hint: `start the file with sections such as ${listOf(SECTION_NAMES)}`,
    });
    return { ok: false, problems: [...sub.problems, ...problems] };
  }
  const rec = doc as Record<string, unknown>;
  for (const key of Object.keys(rec)) {
    if (!(SECTION_NAMES as string[]).includes(key)) {
      problems.push({
        path: renderPath([key]),
        code: 'unknown_key',
        message: `unknown key "${key}"`,
        hint: `${didYouMean(key, SECTION_NAMES)}valid keys here: ${listOf(SECTION_NAMES)}`,
      });
    }
  }
  const parsed: Partial<ConfigInput> = {};
  for (const name of SECTION_NAMES) {
    if (name === 'pools' || name === 'routes' || name === 'slos') continue;
    const r = sections[name].safeParse(rec[name], { reportInput: true });
    if (r.success) Object.assign(parsed, { [name]: r.data });
    else problems.push(...issuesToProblems(r.error.issues, [name], sections[name]));
  }
  const top = {
    limits: merge(DEFAULT_TOP.limits, parsed.limits),
    listeners: rec.listeners === undefined || parsed.listeners ? resolveListeners(parsed.listeners) : null,
    admin: rec.admin === undefined || parsed.admin ? resolveAdmin(parsed.admin, DEFAULT_TOP.admin) : null,
  };
  const pools = parsePools(rec.pools, problems);
  const cache = resolveCacheStores(parsed.cache);
  const routes = parseRoutes(
    rec.routes,
    { maxBodyBytes: top.limits.max_body_bytes, maxObjectBytes: cache.memory.max_object_bytes },
    problems,
  );
  const poolRefs = Array.isArray(rec.routes) ? rec.routes.map(poolRefOf) : [];
  problems.push(...checkSemantics({ listeners: top.listeners, admin: top.admin, pools, routes, poolRefs }));
  if (parsed.listeners) checkListenerTls(parsed.listeners, pusher(problems));
  const parsedSlos = parseSlos(rec.slos, problems);
  const slos = parsedSlos.slos;
  const alerts =
    rec.alerts === undefined || parsed.alerts ? resolveAlerts(parsed.alerts, DEFAULT_TOP.alerts) : null;
  problems.push(...checkSlos(slos, alerts, routeNamesOf(rec.routes)));
  problems.push(...checkGivenBurnRates(parsedSlos.inputs, slos));
  const all = inFileOrder([...sub.problems, ...withoutEnvEchoes(problems, sub.problems)], [...pools.keys()]);
  if (all.length > 0 || top.listeners === null || top.admin === null || alerts === null)
    return { ok: false, problems: all };
  const config: Config = {
    listeners: top.listeners,
    admin: top.admin,
    proxy: merge(DEFAULT_TOP.proxy, parsed.proxy),
    limits: top.limits,
    client: merge(DEFAULT_TOP.client, parsed.client),
    shutdown: merge(DEFAULT_TOP.shutdown, parsed.shutdown),
    telemetry: resolveTelemetry(parsed.telemetry),
    slos: slos as SloConfig[], // no problems: every entry parsed
    alerts,
    cache,
    pools: Object.fromEntries([...pools].map(([k, p]) => [k, p as PoolConfig])),
    routes: routes as RouteConfig[],
  };
  deepFreeze(config);
  return { ok: true, config, version: configVersion(config) };
}

/** Route names as written (or their defaults), even for routes with other problems. */
function routeNamesOf(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((r: unknown, i) => {
    const name = r !== null && typeof r === 'object' ? (r as { name?: unknown }).name : undefined;
    return typeof name === 'string' ? name : `route-${i}`;
  });
}

/** merge() keeps only template keys, so the free-form export headers are copied as given. */
function resolveTelemetry(input: ConfigInput['telemetry']): Config['telemetry'] {
  const t = merge(DEFAULT_TOP.telemetry, input);
  t.tracing.headers = { ...(input?.tracing?.headers ?? {}) };
  return t;
}
