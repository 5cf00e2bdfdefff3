import { IncomingMessage, ServerResponse } from 'node:http';
import { COMMITTED } from '../contracts.js';
import type { Exchange } from '../exchange.js';
import type { ClientResponse, KeelResponse } from '../messages.js';
import type { Prepared } from './prepared.js';

/*
 * The raw hit: a plain fresh cache hit written as one string, head and body, in one socket write.
 *
 * Why: the cache-hit benchmark (docs/benchmarks.md, "Cache hits") showed node:http's
 * own response path as the bottleneck of a hit, not Keel's lookup. writeHead validates and
 * serializes every field on every response (~1.3 µs), and end(body) corks the socket and writes
 * the head and the body as two chunks through writev (~2 µs more than one write). A bare
 * node:http server answering fixed bytes that way made 64k answers/s on one core where nginx
 * made 103k; the same server writing each answer as one pre-rendered string made 86-90k.
 *
 * How, without writing HTTP by hand: the head is still serialized by node:http itself —
 * ServerResponse.writeHead on a response that has no socket only stores the head it built
 * (`_header`), with node's validation, Date, Connection and Keep-Alive rules — once per entry
 * and second, on a probe response given the real response's keep-alive state. Each request
 * then only splices its request id into that head and hands the whole message to end(): node
 * sends a head that is already stored (`_header`) as it is, with the rest of its response
 * bookkeeping ('finish', keep-alive, pipelining) unchanged.
 *
 * `_header`, `_headerSent` and the keep-alive fields read below are node:http internals, not
 * API. They have kept their meaning from Node 12 to 24; `rawWritable` checks each one's type and
 * value on every response, and refuses (the ordinary writeHead path answers) when any is not
 * what this file expects. test/integration/cache-raw-hit.test.ts compares the bytes on the wire with those
 * of the ordinary path on the Node that runs the tests.
 */

/** The node:http internals this file reads or sets (see above). */
interface NodeResponseState {
  _header: string | null;
  _headerSent: boolean;
  _hasBody: boolean;
  _last: boolean;
  _defaultKeepAlive: boolean;
  _keepAliveTimeout: number;
  _maxRequestsPerSocket: number | undefined;
  _removedConnection: boolean;
  _removedContLen: boolean;
  _removedTE: boolean;
  chunkedEncoding: boolean;
  shouldKeepAlive: boolean;
  sendDate: boolean;
  strictContentLength: boolean;
  maxRequestsOnConnectionReached: boolean | undefined;
}

/** Bodies up to this size are copied into the message string (a larger one is not worth the copy). */
export const RAW_BODY_MAX = 16 * 1024;
/** Renders kept per route and second: at most this × (head + RAW_BODY_MAX) bytes. */
const RAW_RENDERS_MAX = 1024;

/**
 * node:http's store of the fields given with setHeader (a route with HSTS sets one over TLS,
 * policy/hsts.ts): a raw hit, whose head is rendered without them, must not answer then. Found
 * by its name on a probe; when a Node release renames it, raw hits stop (rawWritable is false).
 */
const OUT_HEADERS: symbol | null = (() => {
  const probe = new ServerResponse(new IncomingMessage(null as never));
  probe.setHeader('x-probe', '1');
  const s = Object.getOwnPropertySymbols(probe).find((k) => k.description === 'kOutHeaders');
  return s !== undefined && (probe as unknown as Record<symbol, unknown>)[s] !== null ? s : null;
})();

/**
 * True when `res` is a fresh keep-alive response whose head node:http would build as the probe's.
 * Only node:http's own responses: an HTTP/2 response (front/h2-messages.ts) takes writeHead.
 */
export function rawWritable(res: ClientResponse): res is KeelResponse {
  if (!(res instanceof ServerResponse) || OUT_HEADERS === null) return false;
  const s = res as unknown as NodeResponseState;
  return (
    (res as unknown as Record<symbol, unknown>)[OUT_HEADERS] === null &&
    s._header === null &&
    s.shouldKeepAlive === true &&
    s.sendDate === true &&
    s._hasBody === true &&
    s._defaultKeepAlive === true &&
    s.chunkedEncoding === false &&
    s._removedConnection === false &&
    s._removedContLen === false &&
    s._removedTE === false &&
    s.strictContentLength === false &&
    s.maxRequestsOnConnectionReached !== true &&
    typeof s._keepAliveTimeout === 'number'
  );
}

/** Stands for the request id while node serializes the head; a value node accepts. */
const ID_MARK = '\xffkeel-request-id\xff';

/** One entry's message for one second (HotRenders): the request id goes between `prefix` and `suffix`. */
export class RawRender {
  constructor(
    readonly fields: readonly string[],
    readonly idName: string,
    /** The keep-alive settings node writes into the head (Keep-Alive: timeout=N, max=M). */
    readonly keepAliveTimeout: number,
    readonly maxRequests: number | undefined,
    readonly prefix: string,
    readonly suffix: string,
  ) {}

  /** Same fields (Prepared.hitFields keeps one array per age and ttl), id field and keep-alive. */
  fits(fields: readonly string[], idName: string, res: KeelResponse): boolean {
    const s = res as unknown as NodeResponseState;
    return (
      this.fields === fields &&
      this.idName === idName &&
      this.keepAliveTimeout === s._keepAliveTimeout &&
      this.maxRequests === s._maxRequestsPerSocket
    );
  }
}

/**
 * node:http's head for `status` and `fields` plus the request id field and a Date for `sec`,
 * with the keep-alive state of `res`, and `body` after it; null when node refuses a field (the
 * ordinary path then gives the same error for this request).
 */
export function renderRaw(
  res: KeelResponse,
  status: number,
  fields: readonly string[],
  idName: string,
  sec: number,
  body: Buffer,
): RawRender | null {
  const req = new IncomingMessage(null as never);
  req.method = 'GET';
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  const probe = new ServerResponse(req);
  const p = probe as unknown as NodeResponseState;
  const s = res as unknown as NodeResponseState;
  p.shouldKeepAlive = true;
  p._keepAliveTimeout = s._keepAliveTimeout;
  p._maxRequestsPerSocket = s._maxRequestsPerSocket;
  // The Date of the second the hit is answered in, by Keel's clock (the one Age is computed
  // with); node adds its own only when the fields lack one, and in this place and spelling.
  const flat = fields.slice();
  flat.push(idName, ID_MARK);
  if (!hasField(fields, 'date')) flat.push('Date', new Date(sec * 1000).toUTCString());
  try {
    probe.writeHead(status, flat);
  } catch {
    return null;
  }
  const head = p._header;
  if (typeof head !== 'string') return null;
  const at = head.lastIndexOf(ID_MARK);
  if (at < 0) return null;
  // The head must frame the body by its Content-Length and keep the connection, as the real
  // response will: not a 204 or 304 (no body), not chunked, not closing.
  if (p._hasBody !== true || p.chunkedEncoding !== false || p._last !== false || p.shouldKeepAlive !== true) {
    return null;
  }
  return new RawRender(
    fields,
    idName,
    s._keepAliveTimeout,
    s._maxRequestsPerSocket,
    head.slice(0, at),
    head.slice(at + ID_MARK.length) + body.toString('latin1'),
  );
}

/** Sends `message` (a whole HTTP/1.1 response) through node:http as an already stored head. */
export function endRaw(res: KeelResponse, status: number, message: string): void {
  const s = res as unknown as NodeResponseState;
  res.statusCode = status;
  s._header = message;
  s._headerSent = false;
  res.end();
}

function hasField(fields: readonly string[], lower: string): boolean {
  for (let i = 0; i < fields.length; i += 2) if (fields[i]!.toLowerCase() === lower) return true;
  return false;
}

/**
 * The renders of the entries hit in the current second, at most `max` of them: a hot entry is
 * rendered once a second (its Age, TTL and Date move by the second anyway), and what the renders
 * hold is bounded — `max` × (head + RAW_BODY_MAX) — whatever the size of the store.
 */
export class HotRenders {
  readonly #map = new Map<object, RawRender | null>();
  readonly #max: number;
  #sec = -1;

  constructor(max: number) {
    this.#max = max;
  }

  /** undefined: not rendered this second; null: tried this second, node refused (see renderRaw). */
  get(key: object, sec: number): RawRender | null | undefined {
    if (sec !== this.#sec) {
      this.#map.clear();
      this.#sec = sec;
      return undefined;
    }
    return this.#map.get(key);
  }

  set(key: object, render: RawRender | null): void {
    if (this.#map.size < this.#max) this.#map.set(key, render);
  }

  get size(): number {
    return this.#map.size;
  }
}

/** A route's raw hits (CacheLink): the renders of this second, and the answer itself. */
export class RawHits {
  readonly #hot = new HotRenders(RAW_RENDERS_MAX);

  /**
   * Answers a plain fresh GET hit of `p` as one write, with `outcome` for the access log; false
   * when the ordinary writeHead path must answer instead (nothing was written).
   */
  answer(ex: Exchange, p: Prepared, now: number, outcome: string): boolean {
    const res = ex.res;
    const body = p.entry.body;
    if (body.length > RAW_BODY_MAX || ex.gw.draining || !rawWritable(res)) return false;
    const fields = p.hitFields(now);
    const idName = ex.snap.rules.requestIdHeader;
    const sec = Math.floor(now / 1000);
    let r = this.#hot.get(p, sec);
    if (r === null) return false; // refused this second already: no probe render per hit
    if (r === undefined || !r.fits(fields, idName, res)) {
      r = renderRaw(res, p.status, fields, idName, sec, body);
      this.#hot.set(p, r);
      if (r === null) return false;
    }
    ex.state = COMMITTED;
    ex.status = p.status;
    ex.cacheOutcome = outcome;
    endRaw(res, p.status, r.prefix + ex.requestId + r.suffix);
    return true;
  }
}
