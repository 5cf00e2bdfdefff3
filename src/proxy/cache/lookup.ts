import { OPEN } from '../contracts.js';
import type { Exchange } from '../exchange.js';
import { answerError } from '../respond.js';
import type { EdgeCache } from './edge.js';
import { type CacheJob, NO_FIELDS } from './job.js';
import { variantKey } from './keys.js';
import { secondaryKey } from './semantics/index.js';
import type { StoredEntry } from './store/index.js';

/** Where a lookup ends (the link): the entry stored for the request, or nothing usable. */
export interface LookupOwner {
  /** `entry` is stored under `key` (the primary key, or a Vary variant of it). */
  found(ex: Exchange, job: CacheJob, key: string, entry: StoredEntry): void;
  missed(ex: Exchange, job: CacheJob, key: string, fwd: 'uri-miss' | 'vary-miss'): void;
}

/**
 * Finds what is stored for a request: the machine store synchronously, then Redis; and when the key holds
 * a Vary index (storing.ts), the variant the request's fields select (RFC 9111 §4.1), written
 * under the index's current generation.
 */
export class Lookup {
  readonly #edge: EdgeCache;
  readonly #owner: LookupOwner;

  constructor(edge: EdgeCache, owner: LookupOwner) {
    this.#edge = edge;
    this.#owner = owner;
  }

  /** Looks `key` up for `job`; `variant` is true once a Vary index led here. */
  find(ex: Exchange, job: CacheJob, key: string, variant: boolean): void {
    const edge = this.#edge;
    const near = edge.peek(key);
    // What a lead of this key must still find there (coalesce.ts): the last key looked up is
    // the one a miss or a revalidation leads.
    job.seen = edge.lastStamp;
    if (near !== undefined || edge.far === null) {
      this.#seen(ex, job, key, near?.entry, variant);
      return;
    }
    void edge.lookupFar(key).then((far) => {
      if (ex.state !== OPEN) return; // the client left (or the deadline answered) meanwhile
      if (far !== undefined) job.seen = far.stamp;
      try {
        this.#seen(ex, job, key, far?.entry, variant);
      } catch {
        // Off the synchronous path handleRequest guards: a bug costs this request only.
        answerError(ex, 'KEEL_ERR_INTERNAL');
        ex.stop();
      }
    });
  }

  /** A request that waited on another's fill looks again (it never waits twice). */
  again(ex: Exchange): void {
    if (ex.state !== OPEN) return;
    const job = ex.cacheJob!;
    job.followed = true;
    job.storeKey = '';
    job.stored = null;
    try {
      this.find(ex, job, job.key, false);
    } catch {
      // Called from the leader's release: a bug costs this request only.
      answerError(ex, 'KEEL_ERR_INTERNAL');
      ex.stop();
    }
  }

  #seen(ex: Exchange, job: CacheJob, key: string, entry: StoredEntry | undefined, variant: boolean): void {
    if (entry === undefined) {
      this.#owner.missed(ex, job, key, variant ? 'vary-miss' : 'uri-miss');
      return;
    }
    const index = entry.meta?.vary;
    if (!variant && typeof index === 'string') {
      // A Vary index: the variants live under their secondary keys.
      const names = index === '' ? [] : index.split(',');
      const sk = secondaryKey(names, job.fields === NO_FIELDS ? ex.req.headers : job.fields);
      job.gen = Number(entry.meta?.gen ?? 0);
      if (sk === null) {
        this.#owner.missed(ex, job, key, 'vary-miss');
        return;
      }
      const vk = variantKey(key, sk);
      job.storeKey = vk;
      this.find(ex, job, vk, true);
      return;
    }
    // A variant written under an older index (before an invalidation) is not this URL's any more.
    if (variant && Number(entry.meta?.gen ?? -1) !== job.gen) {
      this.#owner.missed(ex, job, key, 'vary-miss');
      return;
    }
    this.#owner.found(ex, job, key, entry);
  }
}
