/**
 * Cross-field checks of the TLS parts (docs/tls.md, docs/http2.md). What needs the files
 * themselves (readable, a key that matches its certificate, not expired) is checked when the
 * gateway loads them (src/proxy/tls/material.ts), where the same kind of problem names the path.
 */
import type { PathSegment } from './path.js';
import type { ConfigInput } from './schema.js';
import type { PoolConfig, RouteConfig } from './types.js';

type Push = (path: PathSegment[], code: string, message: string, hint: string) => void;
type ListenerInput = NonNullable<ConfigInput['listeners']>[number];

/** On the listeners as written: whether a field was given matters, and the resolved config has them all. */
export function checkListenerTls(listeners: readonly ListenerInput[], push: Push): void {
  listeners.forEach((l, i) => {
    const at: PathSegment[] = ['listeners', i];
    const tls = l.tls ?? null;
    if (tls === null && l.http2?.enabled === true) {
      push(
        [...at, 'http2', 'enabled'],
        'needs_tls',
        'http2 is enabled on a listener without tls; Keel serves HTTP/2 only over TLS (cleartext h2c is refused)',
        'add tls: { cert, key } to this listener, or remove http2',
      );
    }
    if (
      tls !== null &&
      l.redirect_https !== undefined &&
      l.redirect_https !== null &&
      l.redirect_https !== false
    ) {
      push(
        [...at, 'redirect_https'],
        'tls_conflict',
        'redirect_https is set on a TLS listener, which already serves https://',
        'put redirect_https on the plain-HTTP listener (e.g. port 80) and remove it here',
      );
    }
    if (tls === null) return;
    const ca = tls.client_ca ?? null;
    const auth = tls.client_auth ?? (ca === null ? 'none' : 'required');
    if (auth !== 'none' && ca === null) {
      push(
        [...at, 'tls', 'client_auth'],
        'missing_client_ca',
        `client_auth is "${auth}" but there is no client_ca to verify client certificates against`,
        'add tls.client_ca: <CA file>, or remove client_auth',
      );
    } else if (auth === 'none' && ca !== null) {
      push(
        [...at, 'tls', 'client_ca'],
        'unused_client_ca',
        'client_ca is set but client_auth is "none": no client certificate is asked for',
        'set client_auth: required (or optional), or remove client_ca',
      );
    }
    const seen = new Map<string, number>();
    (tls.sni ?? []).forEach((e, j) => {
      for (const raw of e.names ?? []) {
        const name = raw.toLowerCase();
        const other = seen.get(name);
        if (other !== undefined && other !== j) {
          push(
            [...at, 'tls', 'sni', j, 'names'],
            'duplicate',
            `"${name}" is also served by tls.sni[${other}]`,
            'list each SNI name under one certificate',
          );
        } else seen.set(name, j);
      }
    });
  });
}

export function checkPoolTls(pool: PoolConfig, push: Push): void {
  const tls = pool.tls;
  if (tls === null) return;
  const at: PathSegment[] = ['pools', pool.name, 'tls'];
  if (!pool.hosts.some((h) => h.url.startsWith('https:'))) {
    push(
      at,
      'unused_tls',
      `tls is set but no host of pool "${pool.name}" uses https://`,
      'write the hosts as https:// origins, or remove tls',
    );
  }
  if ((tls.cert === null) !== (tls.key === null)) {
    const missing = tls.cert === null ? 'cert' : 'key';
    push(
      [...at, missing],
      'missing_pair',
      `a client certificate needs both cert and key; ${missing} is missing`,
      `add tls.${missing}, or remove the other`,
    );
  }
}

/** hstspreload.org refuses a preload entry without includeSubDomains and a max-age of a year. */
export function checkRouteHsts(r: RouteConfig, i: number, push: Push): void {
  const h = r.hsts;
  if (h === null || !h.preload) return;
  if (!h.include_subdomains || h.max_age < 31_536_000) {
    push(
      ['routes', i, 'hsts', 'preload'],
      'invalid_hsts',
      `preload needs include_subdomains: true and max_age >= 31536000 (got ${h.include_subdomains ? 'includeSubDomains' : 'no includeSubDomains'}, max_age ${h.max_age})`,
      'set include_subdomains: true and max_age: 31536000 or more, or remove preload (RFC 6797 §6.1; hstspreload.org)',
    );
  }
}
