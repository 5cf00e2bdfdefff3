import { randomUUID } from 'node:crypto';
import { connectionTokens } from './hop-by-hop.js';
import { isChunkedOnly, parseContentLength } from './limits.js';
import { peerAddress, type TrustedProxies } from './trust.js';

/** Per config version: what the header rules need, compiled once. */
export interface HeaderRules {
  readonly trusted: TrustedProxies;
  /** "1.1 keel" (RFC 9110 §7.6.3: protocol version and pseudonym), or '' to add no Via. */
  readonly via: string;
  /** Lower-cased name of the request id field, e.g. "x-request-id". */
  readonly requestIdHeader: string;
}

/** What the request scan fills in (the Exchange has these fields; tests may pass a plain object). */
export interface RequestHead {
  host: string;
  /** -1 when the request has no Content-Length. */
  contentLength: number;
  chunked: boolean;
  /** '' when the framing is sound; otherwise the error code to answer with. */
  framing: '' | 'KEEL_ERR_REQUEST_SMUGGLING' | 'KEEL_ERR_BAD_REQUEST';
  requestId: string;
  /** Flat [name, value, …] array for the upstream. */
  upHeaders: string[];
}

/**
 * One pass over node's rawHeaders (no header object is built): checks framing, drops hop-by-hop
 * fields, and adds the forwarding fields. Client-sent X-Forwarded-* and Forwarded are kept only
 * from trusted proxies; from anyone else they are replaced, so a client cannot forge its address.
 * Host is forwarded as the client sent it. A sane client request id is passed through (it helps
 * clients correlate; the sanity check keeps log injection out), otherwise one is generated.
 */
export function scanRequestHeaders(raw: string[], peer: string, rules: HeaderRules, out: RequestHead): void {
  let named: Set<string> | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === 10 && n.toLowerCase() === 'connection') named = connectionTokens(raw[i + 1]!, named);
  }
  const trusted = rules.trusted.trusts(peer);
  const up: string[] = [];
  let xff = '';
  let proto = '';
  let fhost = '';
  let via = '';
  let te = '';
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lk = name.toLowerCase();
    switch (lk) {
      case 'host':
        // RFC 9112 §3.2: more than one Host line must be answered with 400.
        if (out.host !== '') out.framing = 'KEEL_ERR_BAD_REQUEST';
        else out.host = value;
        up.push(name, value);
        continue;
      case 'content-length': {
        const len = parseContentLength(value);
        if (len < 0 || (out.contentLength >= 0 && out.contentLength !== len)) {
          out.framing = 'KEEL_ERR_REQUEST_SMUGGLING';
        } else if (out.contentLength < 0) {
          out.contentLength = len;
          up.push(name, value);
        }
        continue;
      }
      case 'transfer-encoding':
        te = te === '' ? value : `${te}, ${value}`;
        continue;
      case 'connection':
      case 'proxy-connection':
      case 'keep-alive':
      case 'te':
      case 'trailer':
      case 'upgrade':
      case 'proxy-authenticate':
      case 'proxy-authorization':
      case 'expect': // node:http answered "100-continue" already (RFC 9110 §10.1.1)
        continue;
    }
    if (named?.has(lk)) continue;
    switch (lk) {
      case 'x-forwarded-for':
        if (trusted) xff = xff === '' ? value : `${xff}, ${value}`;
        break;
      case 'x-forwarded-proto':
        if (trusted && proto === '') proto = value;
        break;
      case 'x-forwarded-host':
        if (trusted && fhost === '') fhost = value;
        break;
      case 'forwarded': // RFC 7239: same trust rule as X-Forwarded-*
        if (trusted) up.push(name, value);
        break;
      case 'via':
        via = via === '' ? value : `${via}, ${value}`;
        break;
      default:
        if (lk === rules.requestIdHeader) {
          if (out.requestId === '' && saneRequestId(value)) out.requestId = value;
        } else {
          up.push(name, value);
        }
    }
  }
  if (te !== '') {
    if (out.contentLength >= 0 || !isChunkedOnly(te)) out.framing = 'KEEL_ERR_REQUEST_SMUGGLING';
    else out.chunked = true;
  }
  const addr = peerAddress(peer);
  up.push('x-forwarded-for', xff === '' ? addr : `${xff}, ${addr}`);
  up.push('x-forwarded-proto', proto === '' ? 'http' : proto);
  const fwdHost = fhost === '' ? out.host : fhost;
  if (fwdHost !== '') up.push('x-forwarded-host', fwdHost);
  if (rules.via !== '') up.push('via', via === '' ? rules.via : `${via}, ${rules.via}`);
  else if (via !== '') up.push('via', via);
  if (out.requestId === '') out.requestId = newRequestId();
  up.push(rules.requestIdHeader, out.requestId);
  out.upHeaders = up;
}

/** Visible ASCII only (no spaces, no control characters), 1-200 characters. */
export function saneRequestId(v: string): boolean {
  const n = v.length;
  if (n === 0 || n > 200) return false;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

export function newRequestId(): string {
  return randomUUID();
}
