/**
 * Small HTTP helpers for the admin server: bounded JSON bodies and JSON answers. A `?pretty` query
 * on any JSON answer indents it by two spaces, so `curl …/api/v1/pools?pretty` reads in a
 * terminal without jq (docs/operations.md, "The admin API").
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorBody } from './api-types.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fix: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
  body(): ErrorBody {
    return { error: { code: this.code, message: this.message, fix: this.fix } };
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = wantsPretty(res.req?.url) ? `${JSON.stringify(body, null, 2)}\n` : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** True for `?pretty`, `?pretty=1`, `?a=b&pretty` …; not for `?pretty=0` or `?pretty=false`. */
export function wantsPretty(url: string | undefined): boolean {
  const q = url?.indexOf('?') ?? -1;
  if (q < 0) return false;
  const v = new URLSearchParams(url!.slice(q + 1)).get('pretty');
  return v !== null && v !== '0' && v !== 'false';
}

/** Reads at most MAX_BODY_BYTES and parses JSON; undefined for an empty body. */
export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError(
      400,
      'bad_request',
      `body is not valid JSON: ${(err as Error).message}`,
      'send a JSON object with Content-Type: application/json',
    );
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'payload_too_large', `body exceeds ${limit} bytes`, 'send a smaller body');
}
