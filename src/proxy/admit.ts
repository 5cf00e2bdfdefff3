import type { ErrorCode } from '../core/errors.js';
import { normaliseAuthority, schemePort } from './authority.js';
import type { FrontInfo } from './front/info.js';
import { type RequestHead, scanRequestHeaders } from './headers.js';
import type { ClientRequest } from './messages.js';
import { normalisePath, pathOf, splitAbsoluteForm, stripPrefix } from './path.js';
import type { CompiledRoute, Snapshot } from './snapshot.js';

/** What admission fills in: the request head and the targets (an Exchange, or an upgrade's own). */
export interface Admission extends RequestHead {
  /** Target sent upstream: normalised, the route's prefix stripped when it says so. */
  target: string;
  /** Target as the client sent it, normalised: what the cache keys on. */
  clientTarget: string;
}

/**
 * Everything a request goes through before its route takes it, the same for plain requests and
 * upgrades (docs/security.md, "The data plane"): the header scan (framing, Host), the HTTP
 * version, the target's length and form, one authority (an absolute-form target's replaces Host,
 * RFC 9112 §3.2.2), the path normalised (path.ts normalisePath), then the router. Returns the
 * route, or the error code to answer with. `front` is the front end the request came through
 * (front/info.ts): its scheme's default port and X-Forwarded-Proto, and its HTTP version —
 * an HTTP/2 request comes in HTTP/1 form (front/h2-messages.ts), with its `:authority` as Host.
 */
export function admit(
  snap: Snapshot,
  req: ClientRequest,
  front: FrontInfo,
  out: Admission,
): CompiledRoute | ErrorCode {
  const defaultPort = front.defaultPort;
  const url = req.url ?? '/';
  let target = url;
  let badTarget = false;
  if (target.charCodeAt(0) !== 47 /* / */) {
    // Rare (clients send origin-form to a gateway), so the tuple is allowed here.
    const abs = splitAbsoluteForm(target);
    const port = abs === null ? -1 : schemePort(target, target.indexOf('://'));
    const authority = port < 0 ? null : normaliseAuthority(abs![0], port);
    if (authority === null) badTarget = true;
    else {
      out.host = authority;
      target = abs![1];
    }
  }
  // HTTP/1.1 and HTTP/2 requests must name their authority (RFC 9112 §3.2, RFC 9113 §8.3.1).
  const hostRequired =
    req.httpVersionMajor === 2 || (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1);
  const peer = req.socket.remoteAddress ?? '';
  scanRequestHeaders(req.rawHeaders, peer, snap.rules, out, defaultPort, hostRequired, front.scheme);
  // RFC 9110 §2.5, RFC 9112 §2.3: node's parser takes "HTTP/2.0" (and "HTTP/0.9") on a request
  // line; an HTTP/1 front end speaks HTTP/1.x only, the HTTP/2 one HTTP/2 only.
  if (req.httpVersionMajor !== front.httpMajor) return 'KEEL_ERR_HTTP_VERSION';
  if (out.framing !== '') return out.framing;
  if (url.length > snap.config.limits.max_url_length) return 'KEEL_ERR_URL_TOO_LONG';
  if (badTarget) return 'KEEL_ERR_BAD_REQUEST';
  const path = pathOf(target);
  const clean = normalisePath(path);
  if (clean === null) return 'KEEL_ERR_BAD_REQUEST';
  if (clean !== path) target = clean + target.slice(path.length);
  const r = snap.router.match(out.host, clean, req.method ?? 'GET');
  if (r === undefined) return 'KEEL_ERR_ROUTE_NOT_FOUND';
  out.clientTarget = target;
  out.target = r.config.strip_prefix ? stripPrefix(target, r.match.path_prefix) : target;
  return r;
}
