import {
  type Attributes,
  type HrTime,
  type Link,
  type SpanContext,
  SpanKind,
  type SpanStatus,
  SpanStatusCode,
} from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

const NO_LINKS: Link[] = [];
const NO_EVENTS: TimedEvent[] = [];
const UNSET: SpanStatus = { code: SpanStatusCode.UNSET };
const ERROR: SpanStatus = { code: SpanStatusCode.ERROR };

/** What the span needs of its origin, shared by every span of one subscriber. */
export interface SpanSource {
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
}

/**
 * A finished span built from a data-plane event, with the ids the data plane generated and sent
 * in traceparent. The SDK's Tracer would draw its own ids, so Keel hands these ReadableSpans to
 * the BatchSpanProcessor directly; they are immutable and already ended.
 */
export class EventSpan implements ReadableSpan {
  readonly name: string;
  readonly kind: SpanKind;
  readonly #context: SpanContext;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly links = NO_LINKS;
  readonly events = NO_EVENTS;
  readonly ended = true;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;

  constructor(
    src: SpanSource,
    name: string,
    kind: SpanKind,
    ids: { traceId: string; spanId: string; parentSpanId: string; traceFlags: number },
    startMs: number,
    endMs: number,
    error: boolean,
    attributes: Attributes,
  ) {
    this.name = name;
    this.kind = kind;
    this.#context = { traceId: ids.traceId, spanId: ids.spanId, traceFlags: ids.traceFlags };
    // A server span's parent is the caller's (remote); a client span's is our server span.
    this.parentSpanContext =
      ids.parentSpanId === ''
        ? undefined
        : {
            traceId: ids.traceId,
            spanId: ids.parentSpanId,
            traceFlags: ids.traceFlags,
            isRemote: kind === SpanKind.SERVER,
          };
    this.startTime = hrTime(startMs);
    this.endTime = hrTime(Math.max(startMs, endMs));
    this.duration = hrTime(Math.max(0, endMs - startMs));
    this.status = error ? ERROR : UNSET;
    this.attributes = attributes;
    this.resource = src.resource;
    this.instrumentationScope = src.scope;
  }

  spanContext(): SpanContext {
    return this.#context;
  }
}

/** Milliseconds (epoch or a duration, fractions allowed) as OTel's [seconds, nanoseconds]. */
export function hrTime(ms: number): HrTime {
  const s = Math.floor(ms / 1000);
  const ns = Math.round((ms - s * 1000) * 1e6);
  return ns >= 1e9 ? [s + 1, ns - 1e9] : [s, ns];
}
