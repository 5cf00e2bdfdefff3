/** A local OTLP/HTTP traces receiver for tests: decodes the JSON export requests it is sent. */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
}

/** One span as OTLP/JSON carries it (ids in hex, times in nanoseconds as strings). */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number; // 2 SERVER, 3 CLIENT (OTLP SpanKind)
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Array<{ key: string; value: OtlpValue }>;
  status: { code?: number; message?: string };
  /** Added by the receiver: the resource's service.name. */
  service: string;
}

interface ExportRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value: OtlpValue }> };
    scopeSpans?: Array<{ spans?: Array<Omit<OtlpSpan, 'service'>> }>;
  }>;
}

/** An attribute's value, whatever its OTLP type. */
export function attr(s: OtlpSpan, key: string): string | number | boolean | undefined {
  const v = s.attributes.find((a) => a.key === key)?.value;
  if (v === undefined) return undefined;
  if (v.intValue !== undefined) return Number(v.intValue);
  return v.stringValue ?? v.boolValue ?? v.doubleValue;
}

export class OtlpReceiver {
  readonly spans: OtlpSpan[] = [];
  /** Every request that reached the server, valid or not. */
  readonly requests: Array<{
    method: string;
    url: string;
    contentType: string;
    headers: Record<string, unknown>;
  }> = [];
  readonly #server: Server;
  port = 0;

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const contentType = req.headers['content-type'] ?? '';
        this.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          contentType,
          headers: req.headers,
        });
        if (
          req.method !== 'POST' ||
          req.url !== '/v1/traces' ||
          !contentType.startsWith('application/json')
        ) {
          res.writeHead(415).end();
          return;
        }
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const decoded = JSON.parse(body.toString('utf8')) as ExportRequest;
        for (const rs of decoded.resourceSpans ?? []) {
          const service =
            rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const ss of rs.scopeSpans ?? [])
            for (const s of ss.spans ?? []) this.spans.push({ ...s, service });
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/v1/traces`;
  }

  async listen(): Promise<this> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  /** The spans of one request, by its keel.request_id. */
  of(requestId: string): OtlpSpan[] {
    return this.spans.filter((s) => attr(s, 'keel.request_id') === requestId);
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
