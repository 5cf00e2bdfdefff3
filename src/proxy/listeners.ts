import type { Config, ListenerConfig } from '../config/types.js';
import { type HandlersFor, Listener, type ListenerDeps, type ListenerUpdate } from './server.js';

/** Listeners for these configs, not yet bound; a certificate problem closes those made and throws. */
export function openListeners(
  config: Config,
  list: ReadonlyArray<{ cfg: ListenerConfig; i: number }>,
  handlersFor: HandlersFor,
  deps: ListenerDeps,
): Listener[] {
  const made: Listener[] = [];
  try {
    for (const { cfg, i } of list) made.push(new Listener(cfg, `listeners[${i}]`, config, handlersFor, deps));
  } catch (err) {
    for (const l of made) void l.close();
    throw err;
  }
  return made;
}

/**
 * The listeners of `next` (a reload): an address configured before keeps its socket and
 * connections (a renamed listener too); a new one is bound now. What is left over is dropped
 * once the new config is in (docs/operations.md "Hot reload"). Everything that can refuse the
 * reload — a port in use, a broken certificate, a listener switching to or from TLS — does so
 * before any kept listener changes.
 */
export async function bindListeners(
  current: readonly Listener[],
  next: Config,
  handlersFor: HandlersFor,
  deps: ListenerDeps,
): Promise<{ keep: Listener[]; drop: Listener[] }> {
  const old = [...current];
  const keep: Array<Listener | null> = [];
  const updates = new Map<Listener, ListenerUpdate>();
  const fresh: Array<{ cfg: ListenerConfig; i: number }> = [];
  next.listeners.forEach((cfg, i) => {
    // Same name and address first; then the address under a new name — except port 0, which
    // names no address (every port-0 listener is its own), so only its name can match.
    let j = old.findIndex((l) => l.name === cfg.name && l.sameAddress(cfg));
    if (j < 0 && cfg.port !== 0) j = old.findIndex((l) => l.sameAddress(cfg));
    if (j >= 0) {
      const l = old.splice(j, 1)[0]!;
      // Certificates are loaded and checked now: a broken pair refuses the whole reload.
      updates.set(l, l.prepare(cfg, `listeners[${i}]`, deps.clock));
      keep.push(l);
    } else {
      fresh.push({ cfg, i });
      keep.push(null);
    }
  });
  const opened = openListeners(next, fresh, handlersFor, deps);
  opened.forEach((l, k) => {
    keep[fresh[k]!.i] = l;
  });
  const bound = await Promise.allSettled(opened.map((l) => l.listen()));
  const failed = bound.find((b) => b.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(opened.map((l) => l.close()));
    throw (failed as PromiseRejectedResult).reason;
  }
  next.listeners.forEach((cfg, i) => {
    const l = keep[i]!;
    const update = updates.get(l);
    if (update !== undefined) l.adopt(cfg, `listeners[${i}]`, next, update);
  });
  return { keep: keep as Listener[], drop: old };
}
