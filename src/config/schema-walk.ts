/**
 * Walks the zod schema along a config path to find the keys an object there accepts: the
 * candidates for a "did you mean" when a key is unknown.
 */
import { z } from 'zod';

type Schema = z.core.$ZodType;

export function keysAt(schema: Schema, path: readonly PropertyKey[]): string[] {
  const found = new Set<string>();
  visit(schema, path, 0, found);
  return [...found];
}

function visit(s: Schema, path: readonly PropertyKey[], i: number, found: Set<string>): void {
  if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) {
    visit(s.unwrap() as Schema, path, i, found);
  } else if (s instanceof z.ZodPipe) {
    visit(s.in as Schema, path, i, found);
  } else if (s instanceof z.ZodUnion) {
    for (const o of s.options as readonly Schema[]) visit(o, path, i, found);
  } else if (s instanceof z.ZodObject) {
    if (i === path.length) for (const k of Object.keys(s.shape)) found.add(k);
    else {
      const next = (s.shape as Record<string, Schema>)[String(path[i])];
      if (next !== undefined) visit(next, path, i + 1, found);
    }
  } else if (s instanceof z.ZodArray) {
    if (i < path.length) visit(s.element as Schema, path, i + 1, found);
  } else if (s instanceof z.ZodRecord) {
    if (i < path.length) visit(s.valueType as Schema, path, i + 1, found);
  }
}
