import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Clock } from '../core/clock.js';
import { ERROR_CODES, type ErrorCode } from '../core/errors.js';
import { type Admission, admit } from './admit.js';
import type { ProxyEvents } from './context.js';
import type { FrontInfo } from './front/info.js';
import { emptyRequestHead } from './headers.js';
import { type KeelRequest, KeelResponse } from './messages.js';
import { pathOf } from './path.js';
import { responseHeaders } from './response-headers.js';
import { rawErrorResponse } from './server.js';
import type { Snapshot } from './snapshot.js';
import { classifyError, codeForError } from './try-error.js';
import type { UpstreamHost, UpstreamPool } from './upstream/types.js';

export interface UpgradeContext {
  readonly clock: Clock;
  /** Open tunnels, destroyed when the gateway drains or closes. */
  readonly tunnels: Set<Duplex>;
  readonly events: ProxyEvents;
  /** Answers an upgrade its route does not tunnel as a plain request (handle.ts). */
  handlePlain(snap: Snapshot, req: KeelRequest, res: KeelResponse, front: FrontInfo): void;
}

/** What request.done says of an upgrade, filled in as the handshake goes. */
interface UpgradeRecord {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly startedAt: number;
  route: string;
  pool: string;
  host: string;
  tries: number;
}

/**
 * One request.done per upgrade, when its handshake settles: the 101 (its duration is the
 * handshake's, not the tunnel's, so latency metrics and SLOs stay about request latency — the
 * tunnel's lifetime is not a response time), a relayed refusal, or Keel's own error answer.
 */
function upgradeDone(ctx: UpgradeContext, rec: UpgradeRecord, status: number, errorCode: string): void {
  const ch = ctx.events.requestDone;
  if (!ch.active) return;
  const now = ctx.clock.now();
  ch.publish({
    requestId: rec.requestId,
    route: rec.route,
    pool: rec.pool,
    method: rec.method,
    path: rec.path,
    status,
    durationMs: now - rec.startedAt,
    tries: rec.tries,
    host: rec.host,
    errorCode,
    cache: '',
    shed: false,
    traceId: '',
    spanId: '',
    parentSpanId: '',
    traceFlags: 0,
    startedAt: rec.startedAt,
    at: now,
  });
}

/**
 * `Upgrade` pass-through (WebSocket, RFC 6455; RFC 9110 §7.8). The request is admitted like any
 * other (admit.ts: Host, version, target normalised, routed; the route's strip_prefix applies),
 * and only the protocols its route lists in `upgrades` are offered upstream — never h2c, which
 * would let the upstream take requests Keel never routed. An upgrade to none of them is answered
 * as a plain request without the upgrade, as nginx does when it is not told to upgrade, and the
 * connection closes after it (docs/proxying.md, "Upgrades"). A tunnelled one picks one host (no
 * retry: the handshake is not replayed), sends the handshake through undici with `upgrade` set,
 * and on 101 writes the upstream's head to the client and pipes bytes both ways. Any other
 * answer is relayed with `Connection: close`. Errors close both sides.
 */
export function handleUpgrade(
  snap: Snapshot,
  ctx: UpgradeContext,
  req: KeelRequest,
  socket: Duplex,
  head: Buffer,
  front: FrontInfo,
): void {
  const a: Admission = { ...emptyRequestHead(), target: '', clientTarget: '' };
  const r = admit(snap, req, front, a);
  const method = req.method ?? 'GET';
  const rec: UpgradeRecord = {
    requestId: a.requestId,
    method,
    path: pathOf(req.url ?? '/'),
    startedAt: ctx.clock.now(),
    route: '',
    pool: '',
    host: '',
    tries: 0,
  };
  const refuseWith = (code: ErrorCode, extra = ''): void => {
    refuse(socket, code, extra);
    upgradeDone(ctx, rec, ERROR_CODES[code].status, code);
  };
  if (typeof r === 'string') {
    refuseWith(r);
    return;
  }
  const upgrade = offeredUpgrade(req.rawHeaders, r.config.upgrades);
  if (upgrade === '') {
    // node parsed no body after an upgrade's head: one with a body cannot be answered as plain.
    if (a.contentLength > 0 || a.chunked) refuseWith('KEEL_ERR_BAD_REQUEST');
    else answerPlain(snap, ctx, req, socket as Socket, front);
    return;
  }
  const route = r;
  const pool = route.pool;
  rec.route = route.name;
  rec.pool = pool.name;
  // A routed request.done must follow a request.start (the in-flight gauge pairs them).
  const started = ctx.events.requestStart;
  if (started.active)
    started.publish({
      requestId: rec.requestId,
      route: rec.route,
      pool: rec.pool,
      method,
      at: rec.startedAt,
    });
  const host = pool.pick({ key: undefined, exclude: undefined });
  if (host === undefined) {
    refuseWith('KEEL_ERR_NO_HEALTHY_HOST');
    return;
  }
  if (!pool.tryStart(host)) {
    refuseWith('KEEL_ERR_BREAKER_OPEN', 'retry-after: 1\r\n');
    return;
  }
  rec.tries = 1;
  const t = new UpgradeTry(snap, ctx, pool, host, socket, head, rec);
  socket.once('close', () => t.clientGone());
  socket.on('error', () => socket.destroy());
  try {
    host.dispatcher.dispatch(
      {
        origin: host.origin,
        path: a.target,
        method,
        headers: a.upHeaders,
        upgrade,
        body: null,
      },
      t,
    );
  } catch (err) {
    t.onError(err as Error);
  }
}

/**
 * The protocols of the request's Upgrade field (RFC 9110 §7.8: protocol-name ["/" version],
 * names compared case-insensitively) that the route tunnels, as a field value; '' when none.
 * h2c never counts, whatever the config says (the schema refuses it too).
 */
export function offeredUpgrade(raw: readonly string[], allowed: readonly string[]): string {
  let offered = '';
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'upgrade') continue;
    for (const item of raw[i + 1]!.split(',')) {
      const p = item.trim();
      const slash = p.indexOf('/');
      const name = (slash < 0 ? p : p.slice(0, slash)).toLowerCase();
      if (name === '' || name === 'h2c' || !allowed.includes(name)) continue;
      offered = offered === '' ? p : `${offered}, ${p}`;
    }
  }
  return offered;
}

/**
 * Answers the request through the ordinary path, on a response bound to the socket node handed
 * over. `Connection: close`, and the socket ends after it: nothing the client sent after the
 * head is ever read as HTTP, so no request can be smuggled behind the refused upgrade.
 */
function answerPlain(
  snap: Snapshot,
  ctx: UpgradeContext,
  req: KeelRequest,
  socket: Socket,
  front: FrontInfo,
): void {
  const res = new KeelResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket);
  res.once('finish', () => socket.destroySoon());
  ctx.handlePlain(snap, req, res, front);
}

function refuse(socket: Duplex, code: ErrorCode, extra = ''): void {
  socket.end(rawErrorResponse(code, extra), () => socket.destroy());
}

class UpgradeTry implements Dispatcher.DispatchHandler {
  readonly #started: number;
  #ended = false;
  #wrote = false;
  #published = false;
  #status = 0;
  #abort: ((err?: Error) => void) | null = null;

  constructor(
    readonly snap: Snapshot,
    readonly ctx: UpgradeContext,
    readonly pool: UpstreamPool,
    readonly host: UpstreamHost,
    readonly socket: Duplex,
    readonly head: Buffer,
    readonly rec: UpgradeRecord,
  ) {
    this.#started = ctx.clock.now();
  }

  clientGone(): void {
    if (!this.#ended) this.#abort?.(new Error('keel: client left during the upgrade'));
  }

  onConnect(abort: (err?: Error) => void): void {
    this.#abort = abort;
    if (this.socket.destroyed) abort(new Error('keel: client left during the upgrade'));
  }

  onUpgrade(status: number, raw: Buffer[] | string[] | null, up: Duplex): void {
    this.#end({ kind: 'response', status, latencyMs: this.ctx.clock.now() - this.#started });
    const client = this.socket;
    if (client.destroyed) {
      up.destroy();
      this.#done(0, '');
      return;
    }
    this.#done(status, '');
    // A 101 keeps its Upgrade/Connection fields: they are the handshake (RFC 9110 §15.2.2).
    let text = `HTTP/1.1 ${status} Switching Protocols\r\n`;
    const r = (raw ?? []) as Array<Buffer | string>;
    for (let i = 0; i < r.length; i += 2) text += `${r[i]!.toString()}: ${r[i + 1]!.toString()}\r\n`;
    if (this.snap.rules.via !== '') text += `via: ${this.snap.rules.via}\r\n`;
    client.write(`${text}\r\n`, 'latin1');
    if (this.head.length > 0) up.write(this.head);
    const tunnels = this.ctx.tunnels;
    tunnels.add(client);
    const closeBoth = () => {
      tunnels.delete(client);
      client.destroy();
      up.destroy();
    };
    up.on('error', closeBoth);
    up.on('close', closeBoth);
    client.on('error', closeBoth);
    client.on('close', closeBoth);
    client.pipe(up);
    up.pipe(client);
  }

  /** The upstream refused the upgrade with an ordinary answer: relay it, then close. */
  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    if (status < 200) return true;
    const headers = responseHeaders(raw, this.snap.rules, this.rec.requestId, true);
    this.#status = status;
    let text = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`;
    for (let i = 0; i < headers.length; i += 2) text += `${headers[i]}: ${headers[i + 1]}\r\n`;
    this.#wrote = true;
    this.socket.write(`${text}\r\n`, 'latin1');
    this.socket.on('drain', resume);
    return true;
  }

  onData(chunk: Buffer): boolean {
    return this.socket.write(chunk);
  }

  onComplete(): void {
    this.#end({ kind: 'response', status: this.#status, latencyMs: this.ctx.clock.now() - this.#started });
    // Destroyed once flushed: node no longer reads this socket (it left HTTP at the upgrade), so
    // a half-close would never see the client's end and the socket would stay open for good.
    const socket = this.socket;
    socket.end(() => socket.destroy());
    this.#done(this.#status, '');
  }

  onError(err: Error): void {
    const gone = this.socket.destroyed;
    const kind = gone ? 'aborted' : classifyError(err, null);
    this.#end({ kind: 'error', error: kind, latencyMs: this.ctx.clock.now() - this.#started });
    if (gone) {
      this.#done(this.#wrote ? this.#status : 0, ''); // the client left
      return;
    }
    const code = codeForError(kind, err);
    if (this.#wrote) {
      // The refusal's head went out and its body was cut: closing is all that is left to say.
      this.socket.destroy();
      this.#done(this.#status, code);
      return;
    }
    refuse(this.socket, code);
    this.#done(ERROR_CODES[code].status, code);
  }

  #done(status: number, errorCode: string): void {
    if (this.#published) return;
    this.#published = true;
    this.rec.host = this.host.name;
    upgradeDone(this.ctx, this.rec, status, errorCode);
  }

  #end(outcome: Parameters<UpstreamPool['tryEnd']>[1]): void {
    if (this.#ended) return;
    this.#ended = true;
    this.pool.tryEnd(this.host, outcome);
  }
}
