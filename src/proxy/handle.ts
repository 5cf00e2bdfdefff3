import { admit } from './admit.js';
import { Exchange, type GatewayContext } from './exchange.js';
import type { FrontInfo } from './front/info.js';
import type { LiveList } from './live-list.js';
import { type ClientRequest, type ClientResponse, onResponseClose } from './messages.js';
import { answerError } from './respond.js';
import type { Snapshot } from './snapshot.js';

/**
 * The entry of every request, from either front end (HTTP/1.x or HTTP/2, docs/http2.md):
 * admission (admit.ts: framing, Host, version, target, routing), the body limit, then the
 * route's chain. Synchronous up to the upstream dispatch; the snapshot captured here is the one
 * the request finishes on. `front` is the front end it came through (front/info.ts): its
 * scheme's default port, dropped from the authority (authority.ts), and X-Forwarded-Proto.
 */
export function handleRequest(
  snap: Snapshot,
  gw: GatewayContext,
  req: ClientRequest,
  res: ClientResponse,
  live: LiveList<Exchange>,
  front: FrontInfo,
): void {
  const ex = new Exchange(req, res, snap, gw, gw.clock.now());
  ex.front = front;
  snap.refs++;
  live.add(ex);
  res.owner = ex;
  res.on('close', onResponseClose);
  try {
    route(ex, snap, req, front);
  } catch (err) {
    // A bug must cost one request, not the process: it answers KEEL_ERR_INTERNAL, logged by
    // request.done (docs/errors.md).
    if (!res.headersSent) answerError(ex, 'KEEL_ERR_INTERNAL');
    else res.destroy(err as Error);
    ex.stop();
  }
}

function route(ex: Exchange, snap: Snapshot, req: ClientRequest, front: FrontInfo): void {
  const r = admit(snap, req, front, ex);
  if (typeof r === 'string') {
    // A request Keel could not admit closes its connection, but for a sound one no route takes.
    answerError(ex, r, r !== 'KEEL_ERR_ROUTE_NOT_FOUND');
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
  r.pool.retryBudget.requestStarted();
  if (ex.gw.shedShare.size > 0 && shedByPolicy(ex, r.name, r.pool.name)) return;
  if (ex.chunked) {
    ex.body = req;
    req.bodyOwner = ex;
    req.bodyBudget = r.maxBody;
  } else if (ex.contentLength > 0) {
    // RFC 9110 §15.5.14: refuse before reading; close, since the body stays unread. With
    // "Expect: 100-continue" this comes before any 100 (RFC 9110 §10.1.1).
    if (ex.contentLength > r.maxBody) {
      answerError(ex, 'KEEL_ERR_BODY_TOO_LARGE', true);
      return;
    }
    ex.body = req;
  }
  if (req.awaitingContinue) {
    // Admitted: now the client may send its body (server.ts 'checkContinue').
    req.awaitingContinue = false;
    ex.res.writeContinue();
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
