import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ANSWERED } from '../contracts.js';
import { Exchange, type GatewayContext } from '../exchange.js';
import { scanRequestHeaders } from '../headers.js';
import type { LiveList } from '../live-list.js';
import { type ClientRequest, type ClientResponse, type KeelRequest, onResponseClose } from '../messages.js';
import { splitAbsoluteForm } from '../path.js';
import { answerError } from '../respond.js';
import { rawErrorResponse } from '../server.js';
import type { Snapshot } from '../snapshot.js';

/*
 * A plain listener with `redirect_https` (docs/tls.md, "Redirecting plain HTTP"): every request
 * is answered with a redirect to the same host and target over https://, and nothing is proxied
 * in clear text. GET and HEAD get 301, as from nginx and every older client understands; any
 * other method gets 308 (RFC 9110 §15.4.9), which keeps the method and the body, where 301 lets
 * a client turn a POST into a GET (RFC 9110 §15.4.2). The answer is a request like any other for
 * the access log and metrics, with no route.
 */

/** An authority: a DNS name or IPv4 address, or an IPv6 literal in brackets, and an optional port. */
const AUTHORITY = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::\d{1,5})?$/;

/** "https://host[:port]/target", or null when the request names no usable authority or target. */
export function httpsLocation(host: string, url: string, port: number): string | null {
  let authority = host;
  let target = url;
  if (target.charCodeAt(0) !== 47 /* / */) {
    const abs = splitAbsoluteForm(target);
    if (abs === null) return null;
    authority = abs[0];
    target = abs[1];
  }
  const m = AUTHORITY.exec(authority);
  if (m === null) return null;
  return `https://${m[1]}${port === 443 ? '' : `:${port}`}${target}`;
}

export function redirectStatus(method: string): 301 | 308 {
  return method === 'GET' || method === 'HEAD' ? 301 : 308;
}

export function redirectRequest(
  snap: Snapshot,
  gw: GatewayContext,
  req: ClientRequest,
  res: ClientResponse,
  live: LiveList<Exchange>,
  port: number,
): void {
  const ex = new Exchange(req, res, snap, gw, gw.clock.now());
  snap.refs++;
  live.add(ex);
  res.owner = ex;
  res.on('close', onResponseClose);
  scanRequestHeaders(req.rawHeaders, req.socket.remoteAddress ?? '', snap.rules, ex);
  const location = ex.framing === '' ? httpsLocation(ex.host, req.url ?? '/', port) : null;
  if (location === null) {
    answerError(ex, ex.framing || 'KEEL_ERR_BAD_REQUEST', true);
    return;
  }
  const status = redirectStatus(ex.method);
  ex.state = ANSWERED;
  ex.status = status;
  const headers = ['location', location, 'content-length', '0', snap.rules.requestIdHeader, ex.requestId];
  // A body is not read: close rather than read it to find the next request.
  if (ex.contentLength > 0 || ex.chunked || gw.draining) headers.push('connection', 'close');
  res.writeHead(status, headers);
  res.end();
}

/** An Upgrade request (ws://) on a redirect listener: the same redirect, and the socket closed. */
export function redirectUpgrade(req: KeelRequest, socket: Duplex, port: number): void {
  const h = req.headers.host;
  const location = httpsLocation(typeof h === 'string' ? h : '', req.url ?? '/', port);
  if (location === null) {
    socket.end(rawErrorResponse('KEEL_ERR_BAD_REQUEST'));
    return;
  }
  const status = redirectStatus(req.method ?? 'GET');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nlocation: ${location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`,
  );
}
