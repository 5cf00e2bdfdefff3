import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** Told when exports start failing (with the error) and when they work again. */
export type ExportStateListener = (ok: boolean, error: Error | undefined) => void;

/**
 * Wraps the OTLP exporter to say when the collector stops taking spans and when it is back. The
 * SDK only hands failures to its global error handler, silent unless a diag logger is set; an
 * operator needs one log line per change of state, not one per failed batch.
 */
export class ReportingExporter implements SpanExporter {
  readonly #inner: SpanExporter;
  readonly #listener: ExportStateListener;
  #ok = true;

  constructor(inner: SpanExporter, listener: ExportStateListener) {
    this.#inner = inner;
    this.#listener = listener;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.#inner.export(spans, (result) => {
      const ok = result.code === ExportResultCode.SUCCESS;
      if (ok !== this.#ok) {
        this.#ok = ok;
        try {
          this.#listener(ok, result.error);
        } catch {
          // A broken listener must not break the export pipeline.
        }
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush?.() ?? Promise.resolve();
  }
}
