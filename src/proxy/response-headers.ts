import type { HeaderRules } from './headers.js';
import { connectionTokens, HOP_BY_HOP, withoutNamed } from './hop-by-hop.js';

/** By name length: true for the lengths of the names handled below (hop-by-hop fields, Via). */
const SPECIAL_LENGTH: boolean[] = new Array(32).fill(false);
for (const n of [...HOP_BY_HOP, 'via']) SPECIAL_LENGTH[n.length] = true;

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
  const idLength = rules.requestIdHeader.length;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    // Only a name as long as one handled below needs lower-casing: most fields skip that string.
    if (!SPECIAL_LENGTH[name.length] && name.length !== idLength) {
      out.push(name, raw[i + 1]!.toString('latin1'));
      continue;
    }
    const lk = name.toLowerCase();
    switch (lk) {
      case 'connection':
        named = connectionTokens(raw[i + 1]!.toString('latin1'), named);
        continue;
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
        via = via === '' ? raw[i + 1]!.toString('latin1') : `${via}, ${raw[i + 1]!.toString('latin1')}`;
        continue;
    }
    if (lk !== rules.requestIdHeader) out.push(name, raw[i + 1]!.toString('latin1'));
  }
  const kept = named === null ? out : withoutNamed(out, named);
  if (rules.via !== '') kept.push('via', via === '' ? rules.via : `${via}, ${rules.via}`);
  else if (via !== '') kept.push('via', via);
  kept.push(rules.requestIdHeader, requestId);
  if (close) kept.push('connection', 'close');
  return kept;
}
