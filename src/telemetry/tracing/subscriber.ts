import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from '../../config/types.js';
import type { EventBus } from '../../core/events.js';
import {
  clientAttributes,
  clientErrorType,
  OriginCache,
  serverAttributes,
  serverErrorType,
} from './attributes.js';
import { type ExportStateListener, ReportingExporter } from './reporting.js';
import { EventSpan, type SpanSource } from './span.js';

/** W3C trace-flags bit 0: only sampled traces are exported. */
const SAMPLED = 1;

export interface TracingOptions {
  /** How long spans wait in the batch before an export (the SDK default is 5 s). */
  scheduledDelayMillis?: number;
  /** Replaces the OTLP/HTTP exporter (tests). */
  exporter?: SpanExporter;
  /** Told when exports start failing and when they recover (the app logs it). */
  onExportState?: ExportStateListener;
}

export interface TracingSubscriber {
  /** Exports every span still in the batch. */
  flush(): Promise<void>;
  /** Stops listening, exports what is left, closes the exporter. */
  shutdown(): Promise<void>;
}

/**
 * Turns the data plane's events into spans (docs/tracing.md): request.done → one SERVER span,
 * try.done → one CLIENT span per upstream try, child of the server span. Ids and times are the
 * ones the data plane used (and sent upstream in traceparent), so Keel's spans join the caller's
 * and the upstreams' spans in one trace. Spans go through the SDK's BatchSpanProcessor (bounded
 * queue, batched exports off the request path) to the OTLP/HTTP JSON exporter.
 */
export function subscribeTracing(
  bus: EventBus,
  config: TracingConfig,
  opts: TracingOptions = {},
): TracingSubscriber {
  const otlp =
    opts.exporter ??
    new OTLPTraceExporter({
      url: config.endpoint,
      headers: { ...config.headers },
      timeoutMillis: config.timeout,
    });
  const exporter = opts.onExportState ? new ReportingExporter(otlp, opts.onExportState) : otlp;
  const processor = new BatchSpanProcessor(exporter, {
    scheduledDelayMillis: opts.scheduledDelayMillis ?? 5000,
    exportTimeoutMillis: config.timeout,
  });
  const src: SpanSource = {
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.service_name }),
    scope: { name: 'keel' },
  };
  const origins = new OriginCache();
  const offRequest = bus.on('request.done', (e) => {
    if ((e.traceFlags & SAMPLED) === 0) return;
    // Semconv span name: "{method} {http.route}", or "{method}" when no route matched.
    const name = e.route === '' ? e.method : `${e.method} ${e.route}`;
    const error = e.status >= 500 || (e.status === 0 && serverErrorType(e) !== '');
    processor.onEnd(
      new EventSpan(src, name, SpanKind.SERVER, e, e.startedAt, e.at, error, serverAttributes(e)),
    );
  });
  const offTry = bus.on('try.done', (e) => {
    if ((e.traceFlags & SAMPLED) === 0) return;
    const attrs = clientAttributes(e, origins.get(e.url));
    const end = e.startedAt + e.durationMs;
    // Semconv: a client span is named "{method}" when no URL template is known.
    processor.onEnd(
      new EventSpan(src, e.method, SpanKind.CLIENT, e, e.startedAt, end, clientErrorType(e) !== '', attrs),
    );
  });
  let closed: Promise<void> | null = null;
  return {
    flush: () => processor.forceFlush(),
    shutdown: () => {
      if (closed === null) {
        offRequest();
        offTry();
        closed = processor.shutdown();
      }
      return closed;
    },
  };
}
