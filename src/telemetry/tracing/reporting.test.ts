import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ReportingExporter } from './reporting.js';

class Scripted implements SpanExporter {
  readonly results: ExportResult[];
  constructor(results: ExportResult[]) {
    this.results = results;
  }
  export(_spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    done(this.results.shift()!);
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

describe('ReportingExporter', () => {
  it('reports each change of state once, and passes every result on', () => {
    const fail = { code: ExportResultCode.FAILED, error: new Error('ECONNREFUSED') };
    const ok = { code: ExportResultCode.SUCCESS };
    const inner = new Scripted([ok, fail, fail, fail, ok, ok]);
    const changes: Array<[boolean, string | undefined]> = [];
    const e = new ReportingExporter(inner, (good, err) => changes.push([good, err?.message]));
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) e.export([], (r) => seen.push(r.code));
    assert.deepEqual(changes, [
      [false, 'ECONNREFUSED'],
      [true, undefined],
    ]);
    assert.equal(seen.length, 6);
  });
});
