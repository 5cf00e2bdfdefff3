/**
 * What a request must look like before the admin API listens to it, whatever token it carries
 * (docs/security.md, "The admin API"). A web page the operator happens to have open can make the
 * browser send requests to 127.0.0.1:9901; these checks make sure such a request is refused:
 *
 * - Host names the admin server itself (an IP literal, `localhost`, or a name in
 *   `admin.allowed_hosts`). A DNS-rebinding page reaches the admin port under its own name.
 * - A mutation declares `Content-Type: application/json`. A cross-site form or a `no-cors` fetch
 *   can only send the three CORS-safelisted types (WHATWG Fetch, "CORS-safelisted request-header"),
 *   so JSON forces a preflight, which the admin API never answers with an allow.
 * - A mutation that comes from a browser comes from the admin's own origin: `Origin` (RFC 6454
 *   §7) equals `http://<Host>` and `Sec-Fetch-Site` (W3C Fetch Metadata) is `same-origin` or
 *   `none` (typed in the address bar). Tools such as curl send neither, and are let through.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { HttpError } from './http.js';

export interface GuardOptions {
  /** Extra host names the admin API answers to (lower case, no port), e.g. a DNS name of the pod. */
  readonly allowedHosts: readonly string[];
}

export class AdminGuard {
  readonly #allowed: ReadonlySet<string>;

  constructor(opts: GuardOptions) {
    this.#allowed = new Set(['localhost', ...opts.allowedHosts.map((h) => h.toLowerCase())]);
  }

  /** Throws the answer for a request that must not be served; `mutation` for every non-GET call. */
  check(headers: IncomingHttpHeaders, mutation: boolean): void {
    const host = hostName(headers.host);
    if (host === null || !(isIP(host) !== 0 || this.#allowed.has(host))) {
      throw new HttpError(
        403,
        'KEEL_ERR_ADMIN_HOST',
        `the admin API does not answer to Host "${printable(headers.host ?? '')}"`,
        'call it by IP address or as localhost; to use a DNS name, add it to admin.allowed_hosts',
      );
    }
    if (!mutation) return;
    if (!isJson(headers['content-type'])) {
      throw new HttpError(
        415,
        'KEEL_ERR_ADMIN_CONTENT_TYPE',
        'an admin call that changes something must declare Content-Type: application/json',
        "send the body as JSON with `Content-Type: application/json` (curl: --json '{}')",
      );
    }
    const site = headers['sec-fetch-site'];
    const origin = headers.origin;
    if (
      (site !== undefined && site !== 'same-origin' && site !== 'none') ||
      (origin !== undefined && origin.toLowerCase() !== `http://${(headers.host ?? '').toLowerCase()}`)
    ) {
      throw new HttpError(
        403,
        'KEEL_ERR_ADMIN_CROSS_SITE',
        `the admin API refuses changes requested by another site (Origin "${printable(origin ?? '')}", Sec-Fetch-Site "${printable(site ?? '')}")`,
        'change the gateway from the dashboard served by the admin server itself, or with the keel CLI or curl',
      );
    }
  }
}

/** The lower-cased host name of a Host field (brackets of an IPv6 literal removed), or null. */
export function hostName(field: string | undefined): string | null {
  if (field === undefined || field === '') return null;
  const v = field.toLowerCase();
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    if (end < 0) return null;
    const rest = v.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return null;
    return v.slice(1, end);
  }
  const colon = v.indexOf(':');
  const name = colon < 0 ? v : v.slice(0, colon);
  if (colon >= 0 && !/^\d{1,5}$/.test(v.slice(colon + 1))) return null;
  return name === '' ? null : name;
}

/** `application/json`, with or without parameters (RFC 9110 §8.3.1: the type is case-insensitive). */
function isJson(field: string | undefined): boolean {
  if (field === undefined) return false;
  const semi = field.indexOf(';');
  return (semi < 0 ? field : field.slice(0, semi)).trim().toLowerCase() === 'application/json';
}

/** A header value quoted in an error message: visible ASCII only, bounded. */
function printable(v: string): string {
  return v.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}
