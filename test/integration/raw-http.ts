/**
 * Raw HTTP/1.1 on node:net for the hostile-input tests: a client that writes bytes as they are and
 * keeps everything the gateway sends, a strict parser of the response stream (so a test can say
 * "every answer is well framed"), and an upstream that records what reached it.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface RawResponse {
  status: number;
  /** Lower-cased names; values in order. */
  headers: Map<string, string[]>;
  body: Buffer;
  /** 1xx answers that came before this one (e.g. "100 Continue"). */
  interim: number[];
}

export interface Parsed {
  responses: RawResponse[];
  /** '' when the whole stream is well-framed answers; otherwise what is wrong, and where. */
  error: string;
  /** Bytes after the last complete answer (an answer cut by a close). */
  rest: number;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function header(r: RawResponse, name: string): string | undefined {
  return r.headers.get(name)?.join(', ');
}

/**
 * Splits a response stream into answers, strictly: status line, fields, and a body framed by
 * Content-Length or chunked (never both), or none for HEAD, 1xx, 204 and 304. `noBody(i, r)`
 * says whether the i-th final answer, whose head is `r`, answers a HEAD.
 */
export function parseResponses(
  buf: Buffer,
  noBody: (i: number, r: RawResponse) => boolean = () => false,
): Parsed {
  const responses: RawResponse[] = [];
  let at = 0;
  let interim: number[] = [];
  const fail = (why: string): Parsed => ({ responses, error: `${why} at byte ${at}`, rest: buf.length - at });
  while (at < buf.length) {
    const end = buf.indexOf('\r\n\r\n', at);
    if (end < 0) return { responses, error: '', rest: buf.length - at };
    const lines = buf.subarray(at, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.1 (\d{3}) [^\r\n]*$/.exec(lines[0]!);
    if (m === null) return fail(`bad status line ${JSON.stringify(lines[0]!.slice(0, 60))}`);
    const r: RawResponse = { status: Number(m[1]), headers: new Map(), body: Buffer.alloc(0), interim: [] };
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon);
      if (colon <= 0 || !TOKEN.test(name) || /[\r\n\0]/.test(line))
        return fail(`bad field ${JSON.stringify(line)}`);
      const k = name.toLowerCase();
      r.headers.set(k, [...(r.headers.get(k) ?? []), line.slice(colon + 1).trim()]);
    }
    let pos = end + 4;
    if (r.status < 200) {
      interim.push(r.status);
      at = pos;
      continue;
    }
    r.interim = interim;
    interim = [];
    const cl = r.headers.get('content-length');
    const te = header(r, 'transfer-encoding');
    if (cl !== undefined && te !== undefined) return fail('Content-Length and Transfer-Encoding together');
    if (noBody(responses.length, r) || r.status === 204 || r.status === 304) {
      // no body
    } else if (te !== undefined) {
      if (te.toLowerCase() !== 'chunked') return fail(`transfer-encoding ${te}`);
      const chunks: Buffer[] = [];
      for (;;) {
        const eol = buf.indexOf('\r\n', pos);
        if (eol < 0) return { responses, error: '', rest: buf.length - at };
        const size = buf.subarray(pos, eol).toString('latin1');
        if (!/^[0-9a-fA-F]+$/.test(size)) return fail(`bad chunk size ${JSON.stringify(size)}`);
        const n = Number.parseInt(size, 16);
        if (n === 0) {
          const trailerEnd = buf.indexOf('\r\n', eol + 2);
          if (trailerEnd !== eol + 2) {
            if (trailerEnd < 0) return { responses, error: '', rest: buf.length - at };
            return fail('trailers after a chunked body');
          }
          pos = eol + 4;
          break;
        }
        if (eol + 2 + n + 2 > buf.length) return { responses, error: '', rest: buf.length - at };
        if (buf.subarray(eol + 2 + n, eol + 4 + n).toString('latin1') !== '\r\n')
          return fail('chunk not ended by CRLF');
        chunks.push(buf.subarray(eol + 2, eol + 2 + n));
        pos = eol + 4 + n;
      }
      r.body = Buffer.concat(chunks);
    } else if (cl !== undefined) {
      if (cl.length !== 1 || !/^\d+$/.test(cl[0]!)) return fail(`bad content-length ${cl.join(',')}`);
      const n = Number(cl[0]);
      if (pos + n > buf.length) return { responses, error: '', rest: buf.length - at };
      r.body = buf.subarray(pos, pos + n);
      pos += n;
    } else {
      return fail('a final answer without Content-Length or chunked framing');
    }
    responses.push(r);
    at = pos;
  }
  return { responses, error: '', rest: 0 };
}

export interface Session {
  readonly socket: Socket;
  /** Everything received so far. */
  data(): Buffer;
  readonly closed: Promise<void>;
  isClosed(): boolean;
}

/** A raw client: connects, writes nothing yet, keeps everything it receives. */
export function session(port: number): Session {
  const socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  let closed = false;
  socket.on('data', (b: Buffer) => chunks.push(b));
  socket.on('error', () => undefined);
  const done = once(socket, 'close').then(() => {
    closed = true;
  });
  return {
    socket,
    data: () => Buffer.concat(chunks),
    closed: done,
    isClosed: () => closed,
  };
}

/** Writes `bytes`, then collects until the gateway closes the connection or `ms` pass. */
export async function exchange(
  port: number,
  bytes: string | Buffer,
  ms = 2000,
): Promise<{ data: Buffer; closed: boolean }> {
  const s = session(port);
  s.socket.write(bytes);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    s.socket.destroy();
  }, ms);
  await s.closed;
  clearTimeout(timer);
  return { data: s.data(), closed: !timedOut };
}

export interface Seen {
  method: string;
  url: string;
  /** Raw header lines as the upstream's parser read them: [name, value, …]. */
  raw: string[];
  body: Buffer;
  upgrade: boolean;
}

export function seenHeader(s: Seen, name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.raw.length; i += 2) if (s.raw[i]!.toLowerCase() === name) out.push(s.raw[i + 1]!);
  return out;
}

/**
 * An upstream that records every request and upgrade it receives (after its body), and any
 * request its own strict parser refused — a desync behind the gateway shows up there.
 */
export class RecordingUpstream {
  readonly server: Server;
  readonly seen: Seen[] = [];
  readonly parseErrors: string[] = [];
  readonly sockets = new Set<Duplex>();
  /** Answers a plain request; default 200 "<method> <url>" with a Content-Length. */
  answer: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void = (req, res) => {
    const text = `${req.method} ${req.url}`;
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
    res.end(req.method === 'HEAD' ? undefined : text);
  };
  /** Answers an upgrade; default a 101 naming the first protocol offered, then an echo. */
  onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void = (req, socket, head) => {
    const proto = String(req.headers.upgrade ?? '')
      .split(',')[0]!
      .trim();
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${proto}\r\nConnection: Upgrade\r\n\r\n`);
    if (head.length > 0) socket.write(head);
    socket.pipe(socket);
  };
  port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        this.seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          raw: req.rawHeaders,
          body,
          upgrade: false,
        });
        this.answer(req, res, body);
      });
    });
    this.server.keepAliveTimeout = 30_000;
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.sockets.add(socket);
      socket.on('error', () => socket.destroy());
      this.seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        raw: req.rawHeaders,
        body: head,
        upgrade: true,
      });
      this.onUpgrade(req, socket, head);
    });
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
      // A request cut short (the gateway aborted it: its client left) is not a parse error.
      if (err.code !== 'ECONNRESET' && err.code !== 'HPE_INVALID_EOF_STATE') {
        this.parseErrors.push(err.code ?? String(err));
      }
      socket.destroy();
    });
    this.server.on('connection', (s: Duplex) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }
}
