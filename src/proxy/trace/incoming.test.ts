import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adoptTraceContext, type IncomingTrace, MAX_TRACESTATE } from './incoming.js';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const head = (upHeaders: string[]): IncomingTrace => ({
  upHeaders,
  traceId: '',
  parentSpanId: '',
  traceFlags: 0,
  traceState: '',
});

describe('adoptTraceContext', () => {
  it('without trace fields: keeps the list and appends an empty traceparent slot last', () => {
    const list = ['host', 'a.test', 'accept', '*/*'];
    const h = head(list);
    assert.equal(adoptTraceContext(h), false);
    assert.equal(h.upHeaders, list, 'no copy');
    assert.deepEqual(h.upHeaders, ['host', 'a.test', 'accept', '*/*', 'traceparent', '']);
  });

  it('continues a valid traceparent and passes tracestate lines joined', () => {
    const h = head(['TraceParent', TP, 'tracestate', 'a=1', 'x', 'y', 'TraceState', 'b=2']);
    assert.equal(adoptTraceContext(h), true);
    assert.equal(h.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(h.parentSpanId, '00f067aa0ba902b7');
    assert.equal(h.traceFlags, 1);
    assert.equal(h.traceState, 'a=1,b=2');
    assert.deepEqual(h.upHeaders, ['x', 'y', 'tracestate', 'a=1,b=2', 'traceparent', '']);
  });

  it('an invalid or repeated traceparent restarts the trace and drops tracestate', () => {
    for (const list of [
      ['traceparent', 'garbage', 'tracestate', 'a=1'],
      ['traceparent', TP, 'traceparent', TP, 'tracestate', 'a=1'],
    ]) {
      const h = head(list);
      assert.equal(adoptTraceContext(h), false);
      assert.equal(h.traceState, '');
      assert.deepEqual(h.upHeaders, ['traceparent', '']);
    }
  });

  it(`drops a tracestate longer than ${MAX_TRACESTATE} characters`, () => {
    const h = head(['traceparent', TP, 'tracestate', `k=${'v'.repeat(MAX_TRACESTATE)}`]);
    assert.equal(adoptTraceContext(h), true);
    assert.equal(h.traceState, '');
    assert.deepEqual(h.upHeaders, ['traceparent', '']);
  });
});
