/**
 * Keeps node's process.nextTick fast after an idle spell (docs/operations.md, "Idle and
 * nextTick"). Node builds each queued tick as an object literal with two symbol keys. When the
 * process has been idle for a while, V8's memory reducer runs full GCs that collect the hidden
 * class of that literal, since no tick object is alive then; the optimized nextTick that
 * referred to it is thrown away ("weak objects"), and the code V8 compiles for it afterwards
 * stays 4-5x slower for the life of the process: ~70 ns a call before, ~320 ns after, measured
 * with Node 20. A gateway calls nextTick about ten times per request, so a Keel that sat idle
 * for ~30 s after starting served cache hits ~25 % slower from then on (the benchmark's targets
 * take turns on one core, so Keel always sat idle first; docs/benchmarks.md).
 *
 * The remedy is to keep one tick object alive, which keeps its hidden class alive. Node does
 * not hand tick objects out, except as the resource of an async hook's init: so a hook is
 * enabled for two nextTick calls (with and without arguments, the two shapes of `args`) and
 * disabled at once. This costs two small objects; without them nothing changes but the speed.
 */
import { createHook } from 'node:async_hooks';

const kept: object[] = [];

/** Retains tick objects of both shapes (idempotent); returns how many are held. */
export function keepTickShape(): number {
  if (kept.length > 0) return kept.length;
  const hook = createHook({
    init(_id, type, _trigger, resource) {
      if (type === 'TickObject') kept.push(resource as object);
    },
  });
  hook.enable();
  try {
    process.nextTick(noop);
    process.nextTick(noop, 0);
  } finally {
    hook.disable();
  }
  return kept.length;
}

function noop(): void {}
