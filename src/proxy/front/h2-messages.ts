import {
  constants,
  Http2ServerRequest,
  Http2ServerResponse,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';
import type { ReadableOptions } from 'node:stream';
import { admitChunk, type BodyLimitOwner, type ClientRequest, type ClientResponse } from '../messages.js';

/*
 * The HTTP/2 front end's request and response: node:http2's compatibility objects with the
 * fields and the HTTP/1 view the request path reads (docs/http2.md, "One request path"). The
 * HTTP/1 path never sees these classes; nothing here runs for an HTTP/1 request.
 */

/** `rawHeaders` holds the fields in HTTP/1 form (h1Fields), which is what the request path scans. */
export class KeelH2Request extends Http2ServerRequest implements ClientRequest {
  bodyBudget = -1;
  bodyOwner: BodyLimitOwner | null = null;
  /** Set by the listener's 'checkContinue' (node:http2 emits it too); handle.ts answers 100. */
  awaitingContinue = false;

  constructor(
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    options: ReadableOptions,
    raw: readonly string[],
  ) {
    super(stream, headers, options, h1Fields(raw, stream.endAfterHeaders));
    // Read by name (the cache's Vary, the ring-hash key) as an HTTP/1 request's would be.
    if (headers.host === undefined && headers[':authority'] !== undefined)
      headers.host = headers[':authority'];
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (this.bodyBudget === -1) return super.push(chunk, encoding);
    return admitChunk(this, chunk) && super.push(chunk, encoding);
  }
}

/**
 * HTTP/2 has no connection-level fields (RFC 9113 §8.2.2): the `Connection: close` Keel adds to
 * end a connection (413, drain) is dropped here. For an unread request body (413) the stream is
 * ended instead, with RST_STREAM(NO_ERROR) after the complete answer (RFC 9113 §8.1); a drain
 * closes the session with GOAWAY (front/h2-sessions.ts).
 */
export class KeelH2Response extends Http2ServerResponse<KeelH2Request> implements ClientResponse {
  owner: { clientClosed(): void } | null = null;
  /** Streams are not served one at a time: no connection turn (connection.ts is HTTP/1.x's). */
  readonly turn = null;
  #resetAfter = false;

  override writeHead(
    status: number,
    a?: string | OutgoingHttpHeaders | readonly string[],
    b?: OutgoingHttpHeaders | readonly string[],
  ): this {
    const headers = typeof a === 'string' ? b : a;
    if (Array.isArray(headers)) {
      const kept = withoutConnection(headers as readonly string[]);
      if (kept !== headers) this.#resetAfter = !this.req.complete;
      return super.writeHead(status, kept as unknown as OutgoingHttpHeaders);
    }
    return super.writeHead(status, headers as OutgoingHttpHeaders | undefined);
  }

  output(): ServerHttp2Stream | null {
    return this.stream.destroyed ? null : this.stream;
  }

  /** RFC 9110 §15.2: an HTTP/2 response may carry 1xx HEADERS before its own (RFC 9113 §8.1). */
  writeProcessing(): void {
    if (!this.headersSent && !this.stream.destroyed) this.stream.additionalHeaders({ ':status': 102 });
  }

  override end(chunk?: unknown, encoding?: unknown, cb?: unknown): this {
    super.end(chunk as string, encoding as BufferEncoding, cb as () => void);
    if (this.#resetAfter && !this.stream.closed) this.stream.close(constants.NGHTTP2_NO_ERROR);
    return this;
  }
}

/*
 * node's types describe Http2ServerResponse as a Writable, but it is a legacy Stream without
 * these two: the request path reads them (respond.ts, the forward link's idle sweep), so they
 * are the stream's.
 */
Object.defineProperties(KeelH2Response.prototype, {
  destroyed: {
    get(this: KeelH2Response): boolean {
      return this.stream.destroyed;
    },
  },
  writableNeedDrain: {
    get(this: KeelH2Response): boolean {
      return this.stream.writableNeedDrain;
    },
  },
});

/** The pairs of `flat` without Connection, or `flat` itself when it has none (no copy). */
function withoutConnection(flat: readonly string[]): readonly string[] {
  let at = -1;
  for (let i = 0; i < flat.length; i += 2) {
    const n = flat[i]!;
    if (n.length === 10 && n.toLowerCase() === 'connection') {
      at = i;
      break;
    }
  }
  if (at < 0) return flat;
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const n = flat[i]!;
    if (n.length === 10 && n.toLowerCase() === 'connection') continue;
    out.push(n, flat[i + 1]!);
  }
  return out;
}

/**
 * An HTTP/2 request's fields as an HTTP/1.1 request would carry them, for the one request path
 * (headers.ts scans them): pseudo-header fields dropped, `:authority` as Host (RFC 9113 §8.3.1;
 * a Host field that repeats it is dropped, one that differs stays, and the scan refuses the
 * request for two Hosts), Cookie fields joined with "; " (RFC 9113 §8.2.3), and a body whose
 * length was not announced marked as chunked, so the scan counts it against the route's limit
 * as it streams (the HEADERS frame without END_STREAM says a body follows, RFC 9113 §8.1).
 */
export function h1Fields(raw: readonly string[], endAfterHeaders: boolean): string[] {
  let authority = '';
  let cookie = '';
  let hasLength = false;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n === ':authority') authority = raw[i + 1]!;
    else if (n === 'content-length') hasLength = true;
  }
  const out: string[] = [];
  if (authority !== '') out.push('host', authority);
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    const v = raw[i + 1]!;
    if (n.charCodeAt(0) === 58 /* : */) continue;
    if (n === 'host' && v === authority) continue;
    if (n === 'cookie') {
      cookie = cookie === '' ? v : `${cookie}; ${v}`;
      continue;
    }
    out.push(n, v);
  }
  if (cookie !== '') out.push('cookie', cookie);
  if (!endAfterHeaders && !hasLength) out.push('transfer-encoding', 'chunked');
  return out;
}
