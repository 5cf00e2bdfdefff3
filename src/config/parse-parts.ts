/**
 * Pools and routes are validated one by one, so that one broken route does not hide the
 * problems of the others, and a valid one still takes part in the cross-field checks.
 */
import { renderPath } from './path.js';
import { issuesToProblems } from './problems.js';
import { type RouteDefaults, resolvePool, resolveRoute } from './resolve.js';
import { poolSchema, routeSchema, sections } from './schema.js';
import { NAME, NAME_RULE } from './schema-common.js';
import type { ConfigProblem, PoolConfig, RouteConfig } from './types.js';

export function parsePools(raw: unknown, problems: ConfigProblem[]): Map<string, PoolConfig | null> {
  const out = new Map<string, PoolConfig | null>();
  if (raw === undefined) return out;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const r = sections.pools.safeParse(raw, { reportInput: true });
    if (!r.success) problems.push(...issuesToProblems(r.error.issues, ['pools'], sections.pools));
    return out;
  }
  for (const [name, value] of Object.entries(raw)) {
    const r = poolSchema.safeParse(value, { reportInput: true });
    let pool: PoolConfig | null = null;
    if (!NAME.test(name)) {
      problems.push({
        path: renderPath(['pools', name]),
        code: 'invalid_name',
        message: `${JSON.stringify(name)} is not a valid pool name`,
        hint: `use ${NAME_RULE}`,
      });
    }
    if (!r.success) problems.push(...issuesToProblems(r.error.issues, ['pools', name], poolSchema));
    else if (r.data.name !== undefined && r.data.name !== name) {
      problems.push({
        path: renderPath(['pools', name, 'name']),
        code: 'name_mismatch',
        message: `"${r.data.name}" differs from the pool's key "${name}"`,
        hint: 'remove name (the key names the pool) or make them equal',
      });
    } else pool = resolvePool(name, r.data);
    out.set(name, pool);
  }
  return out;
}

export function parseRoutes(
  raw: unknown,
  top: RouteDefaults,
  problems: ConfigProblem[],
): Array<RouteConfig | null> {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    const r = sections.routes.safeParse(raw, { reportInput: true });
    if (!r.success) problems.push(...issuesToProblems(r.error.issues, ['routes'], sections.routes));
    return [];
  }
  return raw.map((value, i) => {
    const r = routeSchema.safeParse(value, { reportInput: true });
    if (r.success) return resolveRoute(i, r.data, top);
    problems.push(...issuesToProblems(r.error.issues, ['routes', i], routeSchema));
    return null;
  });
}

export function poolRefOf(route: unknown): string | undefined {
  const pool = route !== null && typeof route === 'object' ? (route as { pool?: unknown }).pool : undefined;
  return typeof pool === 'string' ? pool : undefined;
}
