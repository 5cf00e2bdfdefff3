/**
 * The rules that tell a host's fault from an endpoint's (docs/health.md, "Judged against its
 * peers"), as pure functions of counts and timestamps so they can be property-tested alone.
 *
 * - A host is compared with its peers: it is an outlier when its failed share of tries exceeds
 *   theirs by `excess`. When every host fails the same requests alike the shares are alike too,
 *   and nobody is an outlier.
 * - A try's failure counts against its host only when a peer served the same endpoint lately
 *   ("served by a peer"): with no peer to compare with, nothing says the host is the fault.
 * - Another host is not worth a retry when the endpoint's latest answer on every peer that
 *   answered it lately was a failure as well ("explained by the endpoint").
 * - An endpoint breaks only on strong evidence: almost every try failed, over a minimum count,
 *   on several hosts (or on every host of a smaller pool).
 */

export interface RelativeRule {
  excess: number;
  min_requests: number;
}

/** Is a host with `failures` of `total` tries an outlier against peers with `peerFailures` of `peerTotal`? */
export function relativeOutlier(
  total: number,
  failures: number,
  peerTotal: number,
  peerFailures: number,
  rule: RelativeRule,
): boolean {
  if (total < rule.min_requests || peerTotal < rule.min_requests) return false;
  return failures / total - peerFailures / peerTotal >= rule.excess;
}

/**
 * Whether a failure of `host` on an endpoint is explained by the endpoint: at least one peer
 * answered it since `since`, and each such peer's latest answer was a failure. `lastAt[i]` is the
 * time of host i's latest answer on the endpoint (-Infinity: never), `lastFailed[i]` 1 when that
 * answer was a failure.
 */
export function explainedByEndpoint(
  host: number,
  lastAt: ArrayLike<number>,
  lastFailed: ArrayLike<number>,
  since: number,
): boolean {
  let failing = 0;
  for (let i = 0; i < lastAt.length; i++) {
    if (i === host || lastAt[i]! < since) continue;
    if (lastFailed[i] === 0) return false; // a peer serves it: the host is worse than its peers
    failing++;
  }
  return failing > 0;
}

/** Whether a peer of `host` served the endpoint since `since`: its latest answer there succeeded. */
export function servedByPeer(
  host: number,
  lastAt: ArrayLike<number>,
  lastFailed: ArrayLike<number>,
  since: number,
): boolean {
  for (let i = 0; i < lastAt.length; i++)
    if (i !== host && lastAt[i]! >= since && lastFailed[i] === 0) return true;
  return false;
}

/** Hosts whose latest answer on the endpoint, since `since`, was a failure. */
export function failingHosts(
  lastAt: ArrayLike<number>,
  lastFailed: ArrayLike<number>,
  since: number,
): number {
  let n = 0;
  for (let i = 0; i < lastAt.length; i++) if (lastAt[i]! >= since && lastFailed[i] === 1) n++;
  return n;
}

export interface EndpointRule {
  failure_rate_threshold: number;
  minimum_requests: number;
  min_hosts: number;
}

/** Does the endpoint break? Strong evidence only (docs/health.md, "Defaults, and why"). */
export function endpointBreaks(
  total: number,
  failures: number,
  failing: number,
  poolSize: number,
  rule: EndpointRule,
): boolean {
  if (total < rule.minimum_requests) return false;
  if (failures < rule.failure_rate_threshold * total) return false;
  return failing >= Math.min(rule.min_hosts, poolSize);
}

/**
 * How many hosts of `n` may be out of service for 5xx-type evidence at once (docs/health.md, "No
 * blackout"): `max_ejection_percent` of them but at least one — ejection routes in panic when
 * none is left — and, for a breaker, never the last one: a breaker refuses locally.
 */
export function outAllowed(n: number, maxEjectionPercent: number, breaker: boolean): number {
  const cap = Math.max(1, Math.floor((n * maxEjectionPercent) / 100));
  return breaker ? Math.min(cap, n - 1) : cap;
}
