/**
 * `keel schema`: the JSON Schema (draft 2020-12) of what a config file may say — the INPUT side
 * (durations as "2s" or ms, hosts as URL strings or objects), with a description on each field.
 */
import { z } from 'zod';
import { configSchema } from './schema.js';

export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
