/**
 * The test certificates are DER built by hand; OpenSSL refuses a non-minimal INTEGER
 * ("illegal padding", X.690 8.3.2), which a random serial starting with a zero octet once made.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { it } from 'node:test';
import { integer, issue } from './x509-util.js';

it('encodes INTEGERs minimally: no redundant leading zero, one zero before a high bit', () => {
  assert.deepEqual([...integer(Buffer.from([0, 0, 1]))], [0x02, 0x01, 0x01]);
  assert.deepEqual([...integer(Buffer.from([0, 0x80]))], [0x02, 0x02, 0x00, 0x80]);
  assert.deepEqual([...integer(Buffer.from([0x80]))], [0x02, 0x02, 0x00, 0x80]);
  assert.deepEqual([...integer(Buffer.from([0]))], [0x02, 0x01, 0x00]);
});

it('issues certificates OpenSSL parses, serial after serial', () => {
  const now = Date.now();
  const ca = issue({ cn: 'test ca', ca: true, notBefore: now - 60_000, notAfter: now + 3_600_000 });
  const caCert = new X509Certificate(ca.certPem);
  for (let i = 0; i < 50; i++) {
    const leaf = issue({
      cn: `leaf ${i}`,
      dns: ['localhost'],
      notBefore: now - 60_000,
      notAfter: now + 3_600_000,
      issuer: { cn: 'test ca', key: ca.key },
    });
    assert.equal(new X509Certificate(leaf.certPem).checkIssued(caCert), true);
  }
});
