/**
 * What changed between two configs, for hot reload: pools whose config is unchanged keep their
 * live state (breakers, ejections, EWMAs); the others are rebuilt.
 */

import type { Config } from './types.js';
import { canonicalJson } from './version.js';

export interface ConfigDiff {
  pools: { added: string[]; removed: string[]; changed: string[] };
  routesChanged: boolean;
  listenersChanged: boolean;
  adminChanged: boolean;
  /** Every top-level section that differs (e.g. "limits", "proxy"), in Config key order. */
  sections: string[];
}

export function diffConfig(a: Config, b: Config): ConfigDiff {
  const same = (x: unknown, y: unknown) => canonicalJson(x) === canonicalJson(y);
  const aPools = Object.keys(a.pools);
  const bPools = Object.keys(b.pools);
  const changed = bPools.filter((n) => Object.hasOwn(a.pools, n) && !same(a.pools[n], b.pools[n]));
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])] as Array<keyof Config>;
  return {
    pools: {
      added: bPools.filter((n) => !Object.hasOwn(a.pools, n)).sort(),
      removed: aPools.filter((n) => !Object.hasOwn(b.pools, n)).sort(),
      changed: changed.sort(),
    },
    routesChanged: !same(a.routes, b.routes),
    listenersChanged: !same(a.listeners, b.listeners),
    adminChanged: !same(a.admin, b.admin),
    sections: keys.filter((k) => !same(a[k], b[k])),
  };
}
