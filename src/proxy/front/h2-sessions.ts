import { constants, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { ListenerHttp2Config } from '../../config/types.js';
import type { Clock } from '../../core/clock.js';

/** How long a cut-off client's connection stays open for its GOAWAY to arrive. */
const CUT_GRACE_MS = 1000;

/** Why a client's connection was closed (docs/http2.md, "Limits"). */
export type H2AbuseReason = 'rapid_reset' | 'settings_flood' | 'ping_flood';

/**
 * The HTTP/2 sessions of one TLS listener: tracked for drain and retire (node:http2 keeps no list),
 * closed gracefully when idle, and cut off when a client floods them. node:http2 already bounds
 * a PING flood whose answers the client does not read (nghttp2 ends the session after 1000
 * queued ACKs) and rapid resets at about 1000 in a burst; it does not bound SETTINGS frames at
 * all. These limits are per listener, lower, and counted whether or not the client reads:
 * - max_resets: streams the client cancels (RST_STREAM) before their answer ended —
 *   CVE-2023-44487: each costs Keel a routed request and maybe an upstream try;
 * - max_settings, max_pings: SETTINGS and PING frames, each of which Keel must acknowledge.
 * Past one, the session gets GOAWAY(ENHANCE_YOUR_CALM) (RFC 9113 §5.4.1, §7) and is closed.
 */
export class H2Sessions {
  readonly #live = new Set<SessionGuard>();
  readonly clock: Clock;
  readonly onAbuse: (reason: H2AbuseReason, peer: string) => void;
  limits: ListenerHttp2Config;
  #idleMs: number;

  constructor(
    limits: ListenerHttp2Config,
    idleMs: number,
    clock: Clock,
    onAbuse: (reason: H2AbuseReason, peer: string) => void,
  ) {
    this.limits = limits;
    this.#idleMs = idleMs;
    this.clock = clock;
    this.onAbuse = onAbuse;
  }

  /** A reload's limits apply to every session from now on; the idle timeout to new ones. */
  configure(limits: ListenerHttp2Config, idleMs: number): void {
    this.limits = limits;
    this.#idleMs = idleMs;
  }

  get size(): number {
    return this.#live.size;
  }

  /** The server's 'session' handler. */
  readonly add = (session: ServerHttp2Session): void => {
    const guard = new SessionGuard(session, this);
    this.#live.add(guard);
    session.once('close', () => this.#live.delete(guard));
    // No frame for idle_timeout: GOAWAY, and close once the streams still open have ended.
    session.setTimeout(this.#idleMs, closeGracefully);
  };

  /** Drain, retire: GOAWAY(NO_ERROR) to every session; each closes when its open streams end. */
  closeAll(): void {
    for (const g of this.#live) if (!g.session.closed) g.session.close();
  }

  destroyAll(): void {
    for (const g of this.#live) g.session.destroy();
  }
}

/**
 * One connection's counts in the current window. A fixed window (not a sliding one): the limits
 * are far above what a real client sends (a browser sends one SETTINGS frame, and cancels a few
 * streams when a page changes), so its coarseness never matters to one, and it costs two numbers.
 * The handlers are made once per connection; a stream only registers the shared one.
 */
class SessionGuard {
  readonly session: ServerHttp2Session;
  readonly #owner: H2Sessions;
  #windowStart: number;
  #resets = 0;
  #settings = 0;
  #pings = 0;
  #cutting = false;

  constructor(session: ServerHttp2Session, owner: H2Sessions) {
    this.session = session;
    this.#owner = owner;
    this.#windowStart = owner.clock.now();
    session.on('stream', this.#onStream);
    session.on('remoteSettings', this.#onSettings);
    session.on('ping', this.#onPing);
  }

  readonly #onStream = (stream: ServerHttp2Stream): void => {
    stream.on('aborted', this.#onAborted);
  };

  /** 'aborted': the client reset a stream whose answer had not ended. */
  readonly #onAborted = (): void => {
    this.#roll();
    if (++this.#resets > this.#owner.limits.max_resets) this.#cut('rapid_reset');
  };

  readonly #onSettings = (): void => {
    this.#roll();
    if (++this.#settings > this.#owner.limits.max_settings) this.#cut('settings_flood');
  };

  readonly #onPing = (): void => {
    this.#roll();
    if (++this.#pings > this.#owner.limits.max_pings) this.#cut('ping_flood');
  };

  #roll(): void {
    const now = this.#owner.clock.now();
    if (now - this.#windowStart < this.#owner.limits.limit_window) return;
    this.#windowStart = now;
    this.#resets = this.#settings = this.#pings = 0;
  }

  #cut(reason: H2AbuseReason): void {
    const s = this.session;
    if (this.#cutting || s.destroyed) return;
    this.#cutting = true;
    this.#owner.onAbuse(reason, s.socket?.remoteAddress ?? '');
    // GOAWAY first, and the socket left open a moment so that it arrives: closing a socket with
    // the flood still unread makes the kernel reset the connection and drop what was queued. No
    // new stream is accepted after it (nghttp2 ignores streams above its last stream id); the
    // session is destroyed at the deadline, or earlier when the client closes.
    s.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM);
    setTimeout(() => {
      if (!s.destroyed) s.destroy(new Error(`HTTP/2 ${reason}`), constants.NGHTTP2_ENHANCE_YOUR_CALM);
    }, CUT_GRACE_MS).unref();
  }
}

function closeGracefully(this: ServerHttp2Session): void {
  if (!this.closed) this.close();
}
