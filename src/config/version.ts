/**
 * A config version: the first 12 hex chars of the SHA-256 of the canonical JSON (keys sorted) of
 * the resolved Config. Equal configs get equal versions whatever order the file wrote them in.
 */
import { createHash } from 'node:crypto';
import type { Config } from './types.js';

export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    const rec = v as Record<string, unknown>;
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(rec[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function configVersion(c: Config): string {
  return createHash('sha256').update(canonicalJson(c)).digest('hex').slice(0, 12);
}
