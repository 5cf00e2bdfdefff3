/**
 * Building blocks of the input schema. Every field carries a description, so that `keel schema`
 * documents itself; defaults are NOT applied here (defaults.ts does that after validation), so
 * every field is optional in the schema unless the file must say it.
 */
import { z } from 'zod';
import { DURATION_PATTERN, formatDuration, parseDuration } from './duration.js';
import { describeValue } from './path.js';
import { normalizeStatuses, parseStatusItem } from './statuses.js';

/** A problem raised inside a transform: carries our stable code and hint to problems.ts. */
export interface KeelIssueParams {
  keelCode: string;
  hint: string;
}

type TransformCtx = z.core.$RefinementCtx<unknown>;

export function addIssue(ctx: TransformCtx, input: unknown, keelCode: string, message: string, hint: string) {
  const params: KeelIssueParams = { keelCode, hint };
  ctx.issues.push({ code: 'custom', message, input, params });
}

/**
 * A duration (number = ms, or "2s"); `min` in ms, e.g. 1 for "must be positive". Validated in a
 * transform (not a union) so a wrong value gets one clear message; `meta` gives JSON Schema a type.
 */
export function duration(description: string, defaultMs?: number, min = 0) {
  const shown = defaultMs === undefined ? '' : ` Default ${formatDuration(defaultMs)}.`;
  return z
    .unknown()
    .transform((v, ctx) => {
      const r = parseDuration(v);
      if (!r.ok) {
        addIssue(ctx, v, 'invalid_duration', r.message, r.hint);
        return z.NEVER;
      }
      if (r.ms < min) {
        addIssue(
          ctx,
          v,
          'too_small',
          `${describeValue(v)} is too short`,
          `use at least ${formatDuration(min)}`,
        );
        return z.NEVER;
      }
      return r.ms;
    })
    .meta({
      type: ['number', 'string'],
      pattern: DURATION_PATTERN,
      description: `${description} Number of ms, or "250ms", "2s", "1m", "1h".${shown}`,
    })
    .optional();
}

const STATUS_ITEM = {
  anyOf: [
    { type: 'integer', minimum: 100, maximum: 599 },
    { type: 'string', pattern: '^\\s*\\d{3}\\s*(-\\s*\\d{3}\\s*)?$' },
  ],
};

/** A list of HTTP statuses: `[500, "502-504"]`, or one item alone (`"200-399"`). */
export function statusList(description: string) {
  return z
    .unknown()
    .transform((v, ctx) => {
      const items = Array.isArray(v) ? v : [v];
      const lists: number[][] = [];
      items.forEach((item, i) => {
        const r =
          typeof item === 'number' || typeof item === 'string'
            ? parseStatusItem(item)
            : { ok: false as const, message: `expected a status, received ${describeValue(item)}`, hint: '' };
        if (r.ok) lists.push(r.codes);
        else {
          const hint = r.hint || 'use status codes 100-599 as numbers or "200-399" range strings';
          const params: KeelIssueParams = { keelCode: 'invalid_status', hint };
          const path = Array.isArray(v) ? [i] : [];
          ctx.issues.push({ code: 'custom', message: r.message, input: item, params, path });
        }
      });
      return lists.length === items.length ? normalizeStatuses(lists) : z.NEVER;
    })
    .meta({
      anyOf: [...STATUS_ITEM.anyOf, { type: 'array', items: STATUS_ITEM }],
      description: `${description} Numbers 100-599 or "200-399" range strings.`,
    })
    .optional();
}

export function int(description: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.int().min(min).max(max).meta({ description }).optional();
}

export function num(description: string, min: number, max: number) {
  return z.number().min(min).max(max).meta({ description }).optional();
}

export function bool(description: string) {
  return z.boolean().meta({ description }).optional();
}

export const port = (description: string) => int(description, 0, 65535);

/** Names of listeners, pools and routes: they show up in metrics labels, logs and URLs. */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const NAME_RULE =
  'a name of letters, digits, "_", "." or "-" (1-64 characters, starting with a letter or digit)';
export const nameString = (description: string) => z.string().regex(NAME, NAME_RULE).meta({ description });

/** An HTTP token (RFC 9110 §5.6.2): method names and header names. */
export const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
export const TOKEN_RULE = "an HTTP token (letters, digits and !#$%&'*+.^_`|~-)";

export const methodList = (description: string) =>
  z
    .array(z.string().regex(TOKEN, TOKEN_RULE).meta({ description: 'An HTTP method, e.g. GET.' }))
    .transform((ms) => [...new Set(ms.map((m) => m.toUpperCase()))])
    .meta({ description })
    .optional();
