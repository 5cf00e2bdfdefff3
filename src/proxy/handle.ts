import { Exchange, type GatewayContext } from './exchange.js';
import { hostMissing, scanRequestHeaders } from './headers.js';
import type { LiveList } from './live-list.js';
import { type KeelRequest, type KeelResponse, onResponseClose } from './messages.js';
import { pathOf, removeDotSegments, splitAbsoluteForm, stripPrefix } from './path.js';
import { answerError } from './respond.js';
import type { Snapshot } from './snapshot.js';

/**
 * The entry of every request: limits and framing, routing, then the route's chain. Synchronous
 * up to the upstream dispatch; the snapshot captured here is the one the request finishes on.
 */
export function handleRequest(
  snap: Snapshot,
  gw: GatewayContext,
  req: KeelRequest,
  res: KeelResponse,
  live: LiveList<Exchange>,
): void {
  const ex = new Exchange(req, res, snap, gw, gw.clock.now());
  snap.refs++;
  live.add(ex);
  res.owner = ex;
  res.on('close', onResponseClose);
  try {
    route(ex, snap, req);
  } catch (err) {
    // A bug must cost one request, not the process: it answers KEEL_ERR_INTERNAL, logged by
    // request.done (docs/errors.md).
    if (!res.headersSent) answerError(ex, 'KEEL_ERR_INTERNAL');
    else res.destroy(err as Error);
    ex.stop();
  }
}

function route(ex: Exchange, snap: Snapshot, req: KeelRequest): void {
  scanRequestHeaders(req.rawHeaders, req.socket.remoteAddress ?? '', snap.rules, ex);
  if (ex.framing !== '' || hostMissing(ex.host, req)) {
    answerError(ex, ex.framing || 'KEEL_ERR_BAD_REQUEST', true);
    return;
  }
  let target = req.url ?? '/';
  if (target.length > snap.config.limits.max_url_length) {
    answerError(ex, 'KEEL_ERR_URL_TOO_LONG', true);
    return;
  }
  let host = ex.host;
  if (target.charCodeAt(0) !== 47 /* / */) {
    const abs = splitAbsoluteForm(target);
    if (abs === null) {
      answerError(ex, 'KEEL_ERR_BAD_REQUEST', true);
      return;
    }
    host = abs[0];
    target = abs[1];
  }
  let path = pathOf(target);
  if (path.includes('/.')) {
    const clean = removeDotSegments(path);
    if (clean !== path) {
      target = clean + target.slice(path.length);
      path = clean;
    }
  }
  const r = snap.router.match(host, path, ex.method);
  if (r === undefined) {
    answerError(ex, 'KEEL_ERR_ROUTE_NOT_FOUND');
    return;
  }
  ex.route = r;
  const started = ex.gw.events.requestStart;
  if (started.active)
    started.publish({
      requestId: ex.requestId,
      route: r.name,
      pool: r.pool.name,
      method: ex.method,
      at: ex.start,
    });
  ex.clientTarget = target;
  ex.target = r.config.strip_prefix ? stripPrefix(target, r.match.path_prefix) : target;
  r.pool.retryBudget.requestStarted();
  if (ex.gw.shedShare.size > 0 && shedByPolicy(ex, r.name, r.pool.name)) return;
  if (ex.chunked) {
    ex.body = req;
    req.bodyOwner = ex;
    req.bodyBudget = r.maxBody;
  } else if (ex.contentLength > 0) {
    // RFC 9110 §15.5.14: refuse before reading; close, since the body stays unread.
    if (ex.contentLength > r.maxBody) {
      answerError(ex, 'KEEL_ERR_BODY_TOO_LARGE', true);
      return;
    }
    ex.body = req;
  }
  r.chain.dispatch(ex);
}

/** An SLO's shed_share budget policy (docs/slo-runtime.md): only runs while some route has one. */
function shedByPolicy(ex: Exchange, route: string, pool: string): boolean {
  const share = ex.gw.shedShare.get(route);
  if (share === undefined || ex.gw.random.next() >= share) return false;
  ex.shed = true;
  const ch = ex.gw.events.shed;
  if (ch.active) ch.publish({ pool, route, reason: 'budget_policy', queueDepth: 0, at: ex.gw.clock.now() });
  answerError(ex, 'KEEL_ERR_SHED_BUDGET_POLICY');
  return true;
}
