import { isIPv6 } from 'node:net';

/*
 * The request's authority, validated and normalised once (docs/security.md, "The data plane"):
 * routing, the cache key and the Host sent upstream all use the value returned here, so no two of
 * them can disagree about which site a request is for.
 *
 * Accepted (RFC 9110 §7.2: Host = uri-host [ ":" port ]; RFC 3986 §3.2.2, §3.2.3):
 * - a registered name made of the DNS-shaped part of reg-name: letters, digits, "-", "_", "~",
 *   in labels separated by single dots. The rest of reg-name (sub-delims such as "," ";" "=",
 *   and percent-encoding) is refused: no name DNS resolves uses them, and "," or ";" in a host
 *   would split the X-Forwarded-Host and Forwarded lists the upstream reads (RFC 7239 §4);
 * - an IPv4 address (a registered name by this grammar), or an IPv6 address in brackets, without
 *   a zone (RFC 9110 §4.2.1 has no zone in uri-host; IPvFuture is refused);
 * - an optional port of up to five digits, at most 65535.
 * Anything else — "x.test/static", "a@b", spaces, control or non-ASCII bytes — is not an authority.
 *
 * Normalised (RFC 3986 §6.2.2.1, §6.2.3): lower case; the port removed when it is empty or the
 * scheme's default (80 for http, 443 for https: the listener says which), leading zeros dropped;
 * one trailing dot removed ("a.example." names the same DNS name as "a.example", and nginx's
 * server_name matching drops it too), so a route for "a.example" cannot be dodged with it.
 */

/** What a byte may be in a registered name (one table lookup per character on the request path). */
const BAD = 0;
const NAME_CHAR = 1; // a-z 0-9 - _ ~
const UPPER = 2; // A-Z
const DOT = 3;
const COLON = 4;
const CLASS = new Uint8Array(256);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[a-z0-9_~-]/.test(ch)) CLASS[c] = NAME_CHAR;
  else if (/[A-Z]/.test(ch)) CLASS[c] = UPPER;
}
CLASS[46] = DOT;
CLASS[58] = COLON;

/**
 * The normalised authority of `value` (a Host field value or an absolute-form target's
 * authority), or null when it is not one Keel accepts. `defaultPort` is the scheme's. The common
 * case — lower case, no port, no trailing dot — returns `value` itself: no allocation.
 */
export function normaliseAuthority(value: string, defaultPort: number): string | null {
  const n = value.length;
  if (n === 0) return null;
  let hostEnd: number;
  let upper = false;
  let dot = false; // a trailing dot to drop
  if (value.charCodeAt(0) === 91 /* [ */) {
    hostEnd = ipLiteralEnd(value);
    if (hostEnd < 0) return null;
    for (let i = 1; i < hostEnd; i++) {
      const c = value.charCodeAt(i);
      if (c >= 65 && c <= 70) upper = true;
    }
  } else {
    let afterDot = true; // a leading dot is an empty label
    let i = 0;
    for (; i < n; i++) {
      const c = value.charCodeAt(i);
      const k = c < 256 ? CLASS[c]! : BAD;
      if (k === NAME_CHAR) {
        afterDot = false;
        continue;
      }
      if (k === COLON) break;
      if (k === DOT) {
        if (afterDot) return null; // an empty label
        afterDot = true;
      } else if (k === UPPER) {
        upper = true;
        afterDot = false;
      } else {
        return null;
      }
    }
    hostEnd = i;
    if (hostEnd === 0) return null; // ":80" names no host
    dot = afterDot;
  }
  // The port: ":" then 0-5 digits.
  let port = -1;
  let zeros = false;
  if (hostEnd < n) {
    if (value.charCodeAt(hostEnd) !== 58 || n - hostEnd - 1 > 5) return null;
    if (n - hostEnd > 1) {
      port = 0;
      zeros = value.charCodeAt(hostEnd + 1) === 48 && n - hostEnd > 2;
      for (let i = hostEnd + 1; i < n; i++) {
        const d = value.charCodeAt(i) - 48;
        if (d < 0 || d > 9) return null;
        port = port * 10 + d;
      }
      if (port > 65535) return null;
    }
  }
  const dropPort = hostEnd < n && (port < 0 || port === defaultPort);
  if (!upper && !dot && !dropPort && !zeros) return value;
  let host = value.slice(0, dot ? hostEnd - 1 : hostEnd);
  if (upper) host = host.toLowerCase();
  return dropPort || port < 0 ? host : `${host}:${port}`;
}

/** The index after "]" of a bracketed IPv6 address at the start of `v`, or -1. */
function ipLiteralEnd(v: string): number {
  const close = v.indexOf(']');
  if (close < 3) return -1;
  for (let i = 1; i < close; i++) {
    const c = v.charCodeAt(i);
    const hex = (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
    if (!hex && c !== 58 && c !== 46) return -1; // no zone ("%"), no IPvFuture ("v")
  }
  return isIPv6(v.slice(1, close)) ? close + 1 : -1;
}

/** The default port of an absolute-form target's scheme (RFC 9110 §4.2.1, §4.2.2), or -1 when it is neither http nor https. */
export function schemePort(target: string, schemeEnd: number): number {
  if (schemeEnd === 4 && target.slice(0, 4).toLowerCase() === 'http') return 80;
  if (schemeEnd === 5 && target.slice(0, 5).toLowerCase() === 'https') return 443;
  return -1;
}
