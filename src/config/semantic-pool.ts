/** Cross-field checks inside one resolved pool (and the breaker shape routes share). */
import { formatDuration } from './duration.js';
import { type PathSegment, renderPath } from './path.js';
import type { BreakerConfig, ConfigProblem, PoolConfig } from './types.js';

type Push = (path: PathSegment[], code: string, message: string, hint: string) => void;

export function checkPool(pool: PoolConfig, push: Push): void {
  const at: PathSegment[] = ['pools', pool.name];
  checkHosts(pool, at, push);
  const { algorithm, hash_key: key } = pool.balancer;
  const keyPath = [...at, 'balancer', 'hash_key'];
  if (algorithm === 'ring_hash') {
    const set = key === null ? [] : (['header', 'cookie', 'path'] as const).filter((k) => isSet(key[k]));
    if (key === null) {
      push(
        keyPath,
        'missing_hash_key',
        'ring_hash needs a hash_key',
        'add hash_key with exactly one of header, cookie or path: true',
      );
    } else if (set.length !== 1) {
      const what = set.length === 0 ? 'none' : set.join(' and ');
      push(
        keyPath,
        'invalid_hash_key',
        `sets ${what} of header, cookie, path; ring_hash needs exactly one`,
        'keep exactly one of header, cookie or path: true',
      );
    }
  } else if (key !== null) {
    push(
      keyPath,
      'unused_hash_key',
      `a hash_key is only used by ring_hash (algorithm is "${algorithm}")`,
      'remove hash_key or set algorithm: ring_hash',
    );
  }
  const { outlier, active } = pool.health;
  if (outlier.max_ejection < outlier.base_ejection) {
    push(
      [...at, 'health', 'outlier', 'max_ejection'],
      'invalid_range',
      `${formatDuration(outlier.max_ejection)} is shorter than base_ejection ${formatDuration(outlier.base_ejection)}`,
      'make max_ejection >= base_ejection',
    );
  }
  if (active !== null && active.timeout > active.interval) {
    push(
      [...at, 'health', 'active', 'timeout'],
      'invalid_range',
      `${formatDuration(active.timeout)} is longer than interval ${formatDuration(active.interval)}`,
      'make the probe timeout <= interval, so probes do not overlap',
    );
  }
  checkBreaker(pool.breaker, [...at, 'breaker'], push);
}

function isSet(v: string | boolean | undefined): boolean {
  return typeof v === 'string' ? v !== '' : v === true;
}

function checkHosts(pool: PoolConfig, at: PathSegment[], push: Push): void {
  const seenUrl = new Map<string, number>();
  const seenName = new Map<string, number>();
  pool.hosts.forEach((h, i) => {
    const here = [...at, 'hosts', i];
    const dupUrl = seenUrl.get(h.url);
    if (dupUrl !== undefined) {
      push(
        [...here, 'url'],
        'duplicate',
        `"${h.url}" is listed twice (also hosts[${dupUrl}])`,
        'list each instance once; use weight for a bigger share',
      );
    } else seenUrl.set(h.url, i);
    const dupName = seenName.get(h.name);
    if (dupName !== undefined && dupUrl === undefined) {
      push(
        [...here, 'name'],
        'duplicate',
        `host name "${h.name}" is used twice (also hosts[${dupName}])`,
        'give each host a distinct name',
      );
    } else if (dupName === undefined) seenName.set(h.name, i);
  });
}

export function checkBreaker(b: BreakerConfig, at: PathSegment[], push: Push): void {
  if (b.max_open_timeout < b.open_timeout) {
    push(
      [...at, 'max_open_timeout'],
      'invalid_range',
      `${formatDuration(b.max_open_timeout)} is shorter than open_timeout ${formatDuration(b.open_timeout)}`,
      'make max_open_timeout >= open_timeout (the OPEN time doubles up to it)',
    );
  }
  if (b.window < b.buckets) {
    push(
      [...at, 'buckets'],
      'invalid_range',
      `${b.buckets} buckets do not fit a window of ${b.window} ms`,
      'use at most one bucket per millisecond of window (e.g. window 10s, buckets 10)',
    );
  }
}

export function pusher(out: ConfigProblem[]): Push {
  return (path, code, message, hint) => out.push({ path: renderPath(path), code, message, hint });
}
