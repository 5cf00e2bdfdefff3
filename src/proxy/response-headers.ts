import type { HeaderRules } from './headers.js';
import { connectionTokens, HOP_BY_HOP, NameFilter, withoutNamed } from './hop-by-hop.js';

/** The names handled below: hop-by-hop fields and Via. */
const HANDLED = new NameFilter([...HOP_BY_HOP, 'via']);

/**
 * Upstream field names decoded before, by a hash of their bytes, each with the last value it
 * came with. An upstream sends the same few names in every response, mostly with the same values
 * (Server, Content-Type, a Date that changes once a second): returning the strings decoded before
 * skips a native decode and a new string per name and per repeated value, about a quarter of the
 * cost of a small response head (bench/micro/headers.ts). A byte compare confirms every reuse.
 * Bounded: once full, new names are decoded each time, as before; long values are not kept.
 */
class Field {
  readonly name: string;
  readonly lower: string;
  value = '';
  constructor(name: string) {
    this.name = name;
    this.lower = name.toLowerCase();
  }
}
const FIELDS = new Map<number, Field>();
const MAX_FIELDS = 1024;
const MAX_NAME_LENGTH = 40;
const MAX_VALUE_LENGTH = 64;

/** The cached field for these name bytes, or null (not cached: decode the name). */
function fieldOf(b: Buffer): Field | null {
  const n = b.length;
  if (n > MAX_NAME_LENGTH) return null;
  if (n === 0) return null;
  // Length and three bytes: enough to tell real names apart, and the byte compare below settles
  // any collision (the second name of a colliding pair is just decoded every time).
  const h = (n << 24) | (b[0]! << 16) | (b[n >> 1]! << 8) | b[n - 1]!;
  const known = FIELDS.get(h);
  if (known !== undefined) return sameBytes(known.name, b) ? known : null;
  if (FIELDS.size >= MAX_FIELDS) return null;
  const f = new Field(b.toString('latin1'));
  FIELDS.set(h, f);
  return f;
}

function fieldValue(f: Field | null, b: Buffer): string {
  if (f === null) return b.toString('latin1');
  if (sameBytes(f.value, b)) return f.value;
  const v = b.toString('latin1');
  if (v.length <= MAX_VALUE_LENGTH) f.value = v;
  return v;
}

function sameBytes(s: string, b: Buffer): boolean {
  if (s.length !== b.length) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== b[i]) return false;
  return true;
}

/**
 * Response fields for the client, from undici's raw Buffer pairs: hop-by-hop fields dropped
 * (with those the upstream's Connection names), Via appended (RFC 9110 §7.6.3), the request id
 * set. Values are decoded as latin1, the byte-preserving encoding node:http writes them with.
 */
export function responseHeaders(
  raw: Buffer[],
  rules: HeaderRules,
  requestId: string,
  close: boolean,
): string[] {
  const out: string[] = [];
  let named: Set<string> | null = null;
  let via = '';
  const id = rules.requestIdHeader;
  const idLength = id.length;
  const idFirst = id.charCodeAt(0) | 0x20; // compared as below
  for (let i = 0; i < raw.length; i += 2) {
    const f = fieldOf(raw[i]!);
    const name = f === null ? raw[i]!.toString('latin1') : f.name;
    // Only a name that may be one handled below needs lower-casing: most fields skip that string.
    if ((name.length !== idLength || (name.charCodeAt(0) | 0x20) !== idFirst) && !HANDLED.mayMatch(name)) {
      out.push(name, fieldValue(f, raw[i + 1]!));
      continue;
    }
    const lk = f === null ? name.toLowerCase() : f.lower;
    switch (lk) {
      case 'connection': {
        const v = raw[i + 1]!;
        // Options, not field names (connectionTokens skips them too): nothing to decode.
        if (sameBytes('keep-alive', v) || sameBytes('close', v)) continue;
        named = connectionTokens(fieldValue(f, v), named);
        continue;
      }
      case 'proxy-connection':
      case 'keep-alive':
      case 'te':
      case 'transfer-encoding': // node:http frames the response itself
      case 'trailer':
      case 'upgrade':
      case 'proxy-authenticate':
      case 'proxy-authorization':
        continue;
      case 'via':
        via = via === '' ? fieldValue(f, raw[i + 1]!) : `${via}, ${fieldValue(f, raw[i + 1]!)}`;
        continue;
    }
    if (lk !== id) out.push(name, fieldValue(f, raw[i + 1]!));
  }
  const kept = named === null ? out : withoutNamed(out, named);
  if (rules.via !== '') kept.push('via', via === '' ? rules.via : `${via}, ${rules.via}`);
  else if (via !== '') kept.push('via', via);
  kept.push(rules.requestIdHeader, requestId);
  if (close) kept.push('connection', 'close');
  return kept;
}
