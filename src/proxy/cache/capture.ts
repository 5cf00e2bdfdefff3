import type { BodyCapture } from '../contracts.js';
import type { Exchange } from '../exchange.js';
import type { CacheJob } from './job.js';
import type { Prepared } from './prepared.js';
import type { CacheStatus } from './semantics/index.js';

/** Told when a capture ends: the link, which stores the entry and lets the key's waiters go. */
export interface CaptureOwner {
  captured(ex: Exchange, cap: Capture, ok: boolean): void;
}

/**
 * The body of an upstream response on its way into the store: the forward link hands every
 * chunk here (Exchange.capture) as well as, or instead of, to the client. Allocated only for a
 * forwarded response, never on a hit. A capture with no `view` stores nothing: it only waits
 * for a response to end (a 304, or an answer Keel replaced with its own) before telling the link.
 */
export class Capture implements BodyCapture<Exchange> {
  /** False when the body goes only here: Keel answered the client itself, or there is no client. */
  relay = true;
  readonly job: CacheJob;
  readonly owner: CaptureOwner;
  /** The response being stored, as the route serves it (its entry's body still empty); null: nothing is. */
  readonly view: Prepared | null;
  /** How long the entry is kept (storing.ts keepMs); 0 when nothing is stored. */
  readonly keepMs: number;
  /** The route's max_object_bytes: a larger body streams on and is not stored. */
  readonly maxBytes: number;
  chunks: Buffer[] = [];
  size = 0;
  over = false;
  /**
   * The client whose own validators matched the response being stored: it is answered 304 (from
   * `view`, marked `member`) once the body is in — or at once if the body proves too large to
   * store — so its leaving cannot cut the fill (Answers.conditionMet).
   */
  waiting: Exchange | null = null;
  member: CacheStatus | null = null;

  constructor(job: CacheJob, owner: CaptureOwner, view: Prepared | null, keepMs: number, maxBytes: number) {
    this.job = job;
    this.owner = owner;
    this.view = view;
    this.keepMs = keepMs;
    this.maxBytes = maxBytes;
  }

  /** A capture that stores nothing and only reports the end of the response, not relayed. */
  static discard(job: CacheJob, owner: CaptureOwner): Capture {
    const c = new Capture(job, owner, null, 0, 0);
    c.relay = false;
    return c;
  }

  data(chunk: Buffer): void {
    if (this.over) return;
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      // Larger than the route allows (docs/caching.md, max_object_bytes): stream on, store nothing.
      this.over = true;
      this.chunks = [];
      if (this.waiting !== null) this.owner.captured(this.waiting, this, false);
      return;
    }
    this.chunks.push(chunk);
  }

  complete(ex: Exchange): void {
    this.owner.captured(ex, this, !this.over);
  }

  abort(ex: Exchange): void {
    this.chunks = [];
    this.owner.captured(ex, this, false);
  }

  /** The whole body, once: the chunks are let go. */
  body(): Buffer {
    const c = this.chunks;
    this.chunks = [];
    return c.length === 1 ? c[0]! : Buffer.concat(c, this.size);
  }
}
