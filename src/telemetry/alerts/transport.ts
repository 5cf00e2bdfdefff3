/**
 * One HTTP POST with a deadline for the whole exchange (connect, head and body), on undici.
 * The response body is read (up to a cap) so a 4xx can be logged with the destination's reason,
 * and always consumed so the connection goes back to the pool.
 */
import { request } from 'undici';
import type { AlertRequest } from './sender.js';

export interface TransportResponse {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

export type Transport = (
  req: AlertRequest,
  timeoutMs: number,
  signal: AbortSignal,
) => Promise<TransportResponse>;

const BODY_CAP = 4096;

export const httpTransport: Transport = async (req, timeoutMs, signal) => {
  const res = await request(req.url, {
    method: 'POST',
    headers: req.headers,
    body: req.body,
    signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  let body = '';
  for await (const chunk of res.body) {
    if (body.length < BODY_CAP) body += (chunk as Buffer).toString('utf8');
  }
  const ra = res.headers['retry-after'];
  return {
    status: res.statusCode,
    retryAfter: Array.isArray(ra) ? ra[0] : ra,
    body: body.slice(0, BODY_CAP),
  };
};
