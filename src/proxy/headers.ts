import { randomBytes } from 'node:crypto';
import { normaliseAuthority } from './authority.js';
import { connectionTokens, NameFilter } from './hop-by-hop.js';
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
  /**
   * The request's authority, normalised (authority.ts): the absolute-form target's when the
   * caller set it before the scan (RFC 9112 §3.2.2), else the Host field's; '' when neither.
   */
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

/** A blank RequestHead for scanRequestHeaders to fill (upgrades and tests; the Exchange is one itself). */
export function emptyRequestHead(): RequestHead {
  return { host: '', contentLength: -1, chunked: false, framing: '', requestId: '', upHeaders: [] };
}

/** The request fields handled below by name; any other field is forwarded as it came. */
const HANDLED = new NameFilter([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'expect',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'forwarded',
  'via',
]);

/**
 * One pass over node's rawHeaders (no header object is built): checks framing, drops hop-by-hop
 * fields, and adds the forwarding fields. Client-sent X-Forwarded-* and Forwarded are kept only
 * from trusted proxies; from anyone else they are replaced, so a client cannot forge its address.
 * Host is validated and normalised (authority.ts) and forwarded as `out.host`: the authority
 * Keel routes and keys the cache by. A caller that set `out.host` to an absolute-form target's
 * authority gets it sent in place of the Host field's (RFC 9112 §3.2.2). RFC 9112 §3.2: two Host
 * lines, an invalid one, or none when `hostRequired` (HTTP/1.1) set `framing` to
 * KEEL_ERR_BAD_REQUEST. `defaultPort` is the listener scheme's (80 for http, 443 for https), and
 * `scheme` its name, sent as X-Forwarded-Proto unless a trusted proxy sent one.
 * A sane client request id is passed through (it helps clients correlate; the sanity check keeps
 * log injection out), otherwise one is generated.
 */
export function scanRequestHeaders(
  raw: string[],
  peer: string,
  rules: HeaderRules,
  out: RequestHead,
  defaultPort = 80,
  hostRequired = false,
  scheme = 'http',
): void {
  let named: Set<string> | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === 10 && (n.charCodeAt(0) | 0x20) === 0x63 /* c */ && n.toLowerCase() === 'connection') {
      named = connectionTokens(raw[i + 1]!, named);
    }
  }
  const idHeader = rules.requestIdHeader;
  const idFirst = idHeader.charCodeAt(0) | 0x20; // compared as the scan compares names
  const trusted = rules.trusted.trusts(peer);
  const up: string[] = [];
  let xff = '';
  let proto = '';
  let fhost = '';
  let via = '';
  let te = '';
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    // A name that cannot be one handled here is forwarded without lower-casing it (HTTP/1.1
    // clients send "User-Agent", and lower-casing allocates): unless Connection named fields.
    if (
      named === null &&
      (name.length !== idHeader.length || (name.charCodeAt(0) | 0x20) !== idFirst) &&
      !HANDLED.mayMatch(name)
    ) {
      up.push(name, value);
      continue;
    }
    const lk = name.toLowerCase();
    switch (lk) {
      case 'host': {
        // RFC 9112 §3.2: more than one Host line, or an invalid one, must be answered with 400.
        // An empty value is what a URI without authority sends (RFC 9110 §7.2): no host to
        // route by, so only HTTP/1.0 may send it (as if it had sent none).
        if (hosts++ > 0) {
          badRequest(out);
          continue;
        }
        if (value === '') {
          if (hostRequired) badRequest(out);
          else if (out.host !== '') up.push(name, out.host);
          continue;
        }
        const authority = normaliseAuthority(value, defaultPort);
        if (authority === null) badRequest(out);
        else if (out.host === '') out.host = authority;
        up.push(name, out.host);
        continue;
      }
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
        if (lk === idHeader) {
          if (out.requestId === '' && saneRequestId(value)) out.requestId = value;
        } else {
          up.push(name, value);
        }
    }
  }
  if (hosts === 0) {
    if (hostRequired) badRequest(out);
    else if (out.host !== '') up.push('host', out.host);
  }
  if (te !== '') {
    if (out.contentLength >= 0 || !isChunkedOnly(te)) out.framing = 'KEEL_ERR_REQUEST_SMUGGLING';
    else out.chunked = true;
  }
  const addr = peerAddress(peer);
  up.push('x-forwarded-for', xff === '' ? addr : `${xff}, ${addr}`);
  up.push('x-forwarded-proto', proto === '' ? scheme : proto);
  const fwdHost = fhost === '' ? out.host : fhost;
  if (fwdHost !== '') up.push('x-forwarded-host', fwdHost);
  if (rules.via !== '') up.push('via', via === '' ? rules.via : `${via}, ${rules.via}`);
  else if (via !== '') up.push('via', via);
  if (out.requestId === '') out.requestId = newRequestId();
  up.push(idHeader, out.requestId);
  out.upHeaders = up;
}

/** A Host problem (RFC 9112 §3.2); a framing problem found first keeps its own code. */
function badRequest(out: RequestHead): void {
  if (out.framing === '') out.framing = 'KEEL_ERR_BAD_REQUEST';
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

/*
 * Generated request ids: unique and UUID-shaped, at a fraction of randomUUID's cost (it was ~1 %
 * of Keel's CPU per request, docs/benchmarks.md "Profile"). Each is a version-8 UUID (RFC 9562
 * §5.8, the vendor-specific layout) "pppppppp-pppp-8ppp-vppp-ssssssssssss": 74 bits (p and the
 * variant v) drawn at random once per process, then 48 bits of a per-process sequence number. Ids
 * of one process never repeat; two processes (cluster workers, restarts) share a prefix with
 * probability 2^-74. The sequence number goes through a keyed permutation (a 4-round Feistel
 * network on two 24-bit halves, keys drawn with the prefix), so consecutive ids do not show at a
 * glance how many requests a worker served. Scrambled, not encrypted: nothing may rely on a
 * request id being unguessable.
 */
/** The prefix's 24 character codes (one fromCharCode call builds the whole id, flat). */
let idPrefix: number[] = [];
let idKeys = new Int32Array(4);
/** The sequence number, as two 24-bit halves (small integers: no heap number per id). */
let idHigh = 0;
let idLow = 0;
const HEX = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

function reseedRequestIds(): void {
  const h = randomBytes(10).toString('hex');
  const variant = '89ab'[Number.parseInt(h[18]!, 16) & 3];
  const prefix = `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(12, 15)}-${variant}${h.slice(15, 18)}-`;
  idPrefix = Array.from(prefix, (c) => c.charCodeAt(0));
  const k = randomBytes(12);
  idKeys = Int32Array.of(k.readUIntBE(0, 3), k.readUIntBE(3, 3), k.readUIntBE(6, 3), k.readUIntBE(9, 3));
  idHigh = 0;
  idLow = 0;
}
reseedRequestIds();

/** The Feistel round function: 24 bits from 24 bits and a key (any function keeps it a bijection). */
function mix(x: number, key: number): number {
  return (Math.imul(x ^ key, 0x2c1b3c6d) >>> 8) & 0xffffff;
}

export function newRequestId(): string {
  if (++idLow === 0x1000000) {
    idLow = 0;
    // After 2^48 ids (centuries at any rate), a new prefix keeps them unique.
    if (++idHigh === 0x1000000) reseedRequestIds();
  }
  const k = idKeys;
  let l = idHigh;
  let r = idLow;
  l ^= mix(r, k[0]!);
  r ^= mix(l, k[1]!);
  l ^= mix(r, k[2]!);
  r ^= mix(l, k[3]!);
  const p = idPrefix;
  const x = HEX;
  // One call, one flat string: concatenating pieces would leave a rope that undici's header
  // check and the socket write flatten again (randomUUID's 20 pieces cost more than its random).
  // biome-ignore format: one row per part of the id reads better than 36 lines
  return String.fromCharCode(
    p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!, p[7]!, p[8]!, p[9]!, p[10]!, p[11]!,
    p[12]!, p[13]!, p[14]!, p[15]!, p[16]!, p[17]!, p[18]!, p[19]!, p[20]!, p[21]!, p[22]!, p[23]!,
    x[l >>> 20]!, x[(l >>> 16) & 15]!, x[(l >>> 12) & 15]!, x[(l >>> 8) & 15]!, x[(l >>> 4) & 15]!, x[l & 15]!,
    x[r >>> 20]!, x[(r >>> 16) & 15]!, x[(r >>> 12) & 15]!, x[(r >>> 8) & 15]!, x[(r >>> 4) & 15]!, x[r & 15]!,
  );
}
