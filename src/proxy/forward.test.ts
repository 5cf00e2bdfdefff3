import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentLength } from './forward.js';

const raw = (...pairs: string[]) => pairs.map((p) => Buffer.from(p, 'latin1'));

describe('contentLength (upstream response head)', () => {
  it('reads the value whatever the name’s case', () => {
    assert.equal(contentLength(raw('Server', 'x', 'Content-Length', '100')), 100);
    assert.equal(contentLength(raw('content-length', '0')), 0);
    assert.equal(contentLength(raw('CONTENT-LENGTH', '12345')), 12345);
  });

  it('is -1 when absent, empty, not digits or too long to be safe', () => {
    assert.equal(contentLength(raw('content-type', 'text/plain')), -1);
    assert.equal(contentLength(raw('content-length', '')), -1);
    assert.equal(contentLength(raw('content-length', '1 0')), -1);
    assert.equal(contentLength(raw('content-length', '-1')), -1);
    assert.equal(contentLength(raw('content-length', '1234567890123456')), -1);
    assert.equal(contentLength(raw('content-lengtx', '5')), -1);
  });
});
