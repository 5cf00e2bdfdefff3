/**
 * The fault a demo upstream is told to play (docs/operations.md, `keel demo fault`). Parsed in one
 * place so the admin API and `keel demo fault` accept and refuse exactly the same inputs.
 */

export const FAULT_MODES = ['ok', 'down', 'slow', 'errors'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface Fault {
  mode: FaultMode;
  /** Added to every answer; 0 = none. 'slow' without a value means 2000. */
  latency_ms: number;
  /** Share of answers that are 500 in 'errors' mode. */
  error_rate: number;
  /**
   * Only requests whose path starts with this (at a segment boundary) meet the fault: one broken
   * endpoint ("/broken"). Absent: every request, as a whole-host fault. 'slow' and 'errors' only.
   */
  path_prefix?: string;
}

/** Whether a fault applies to a request path (the query ignored). */
export function faultApplies(f: Fault, url: string): boolean {
  const p = f.path_prefix;
  if (p === undefined) return true;
  if (!url.startsWith(p)) return false;
  if (url.length === p.length || p.endsWith('/')) return true;
  const next = url.charCodeAt(p.length);
  return next === 47 /* / */ || next === 63 /* ? */;
}

export const DEFAULT_SLOW_MS = 2000;
export const MAX_LATENCY_MS = 600_000;

export type FaultParse = { ok: true; fault: Fault } | { ok: false; message: string };

const isMode = (v: unknown): v is FaultMode =>
  typeof v === 'string' && (FAULT_MODES as readonly string[]).includes(v);

/**
 * Validates a request body such as `{"mode":"slow","latency_ms":500}` or
 * `{"mode":"errors","error_rate":1,"path_prefix":"/broken"}`.
 */
export function parseFault(body: unknown): FaultParse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: 'body must be a JSON object like {"mode":"down"}' };
  }
  const b = body as Record<string, unknown>;
  const known = new Set(['mode', 'latency_ms', 'error_rate', 'path_prefix']);
  const extra = Object.keys(b).filter((k) => !known.has(k));
  if (extra.length > 0) {
    return {
      ok: false,
      message: `unknown field(s) ${extra.join(', ')} (known: mode, latency_ms, error_rate, path_prefix)`,
    };
  }
  if (!isMode(b.mode)) {
    return {
      ok: false,
      message: `mode: got ${JSON.stringify(b.mode)}; expected one of ${FAULT_MODES.join(', ')}`,
    };
  }
  const latency = b.latency_ms;
  if (
    latency !== undefined &&
    (typeof latency !== 'number' || !Number.isInteger(latency) || latency < 0 || latency > MAX_LATENCY_MS)
  ) {
    return {
      ok: false,
      message: `latency_ms: got ${JSON.stringify(latency)}; expected an integer 0..${MAX_LATENCY_MS}`,
    };
  }
  const rate = b.error_rate;
  if (rate !== undefined && (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))) {
    return { ok: false, message: `error_rate: got ${JSON.stringify(rate)}; expected a number 0..1` };
  }
  const mode = b.mode;
  const prefix = b.path_prefix;
  if (prefix !== undefined && prefix !== null) {
    if (typeof prefix !== 'string' || !/^\/[^\s?#]*$/.test(prefix)) {
      return {
        ok: false,
        message: `path_prefix: got ${JSON.stringify(prefix)}; expected a path starting with "/", e.g. "/broken"`,
      };
    }
    if (mode !== 'slow' && mode !== 'errors') {
      return {
        ok: false,
        message: `path_prefix: only "slow" and "errors" faults take a path ("${mode}" acts on the whole host)`,
      };
    }
  }
  return {
    ok: true,
    fault: {
      mode,
      latency_ms: latency ?? (mode === 'slow' ? DEFAULT_SLOW_MS : 0),
      error_rate: rate ?? (mode === 'errors' ? 1 : 0),
      ...(typeof prefix === 'string' ? { path_prefix: prefix } : {}),
    },
  };
}
