import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyError, codeForError, isTlsError } from './try-error.js';

const err = (code: string) => Object.assign(new Error(code), { code });

describe('upstream TLS failures', () => {
  it('are connect failures (retried elsewhere, counted by ejection and breakers) answered KEEL_ERR_UPSTREAM_TLS', () => {
    for (const code of [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'CERT_HAS_EXPIRED',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'ERR_SSL_WRONG_VERSION_NUMBER',
      'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
    ]) {
      assert.equal(isTlsError(err(code)), true, code);
      assert.equal(classifyError(err(code), null), 'connect', code);
      assert.equal(codeForError('connect', err(code)), 'KEEL_ERR_UPSTREAM_TLS', code);
    }
  });

  it('leave every other failure to its own code', () => {
    assert.equal(isTlsError(err('ECONNREFUSED')), false);
    assert.equal(codeForError('connect', err('ECONNREFUSED')), 'KEEL_ERR_UPSTREAM_CONNECT');
    assert.equal(codeForError('reset', err('UND_ERR_SOCKET')), 'KEEL_ERR_UPSTREAM_RESET');
    assert.equal(classifyError(err('SOMETHING_ELSE'), null), 'other');
  });
});
