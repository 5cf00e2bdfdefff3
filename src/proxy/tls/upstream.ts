import { createPrivateKey } from 'node:crypto';
import type { PoolConfig } from '../../config/types.js';
import { parseCertificate, readPem, TlsMaterialError } from './material.js';

/**
 * What a pool's https:// connections verify and present (docs/tls.md, "HTTPS upstreams"): the
 * options undici hands to tls.connect for each new connection. Absent fields are node's
 * defaults: the system CA store, the host's own name as SNI (RFC 6066 §3; none for an IP
 * address) and as the name the certificate must carry, no client certificate. Verification is
 * always on; a self-signed upstream is trusted by naming its certificate as the pool's `ca`.
 */
export interface UpstreamTls {
  ca?: Buffer;
  servername?: string;
  cert?: Buffer;
  key?: Buffer;
}

/** Reads a pool's TLS files once per config version; null when the pool sets no `tls`. */
export function loadUpstreamTls(pool: PoolConfig): UpstreamTls | null {
  const t = pool.tls;
  if (t === null) return null;
  const at = `pools.${pool.name}.tls`;
  const out: UpstreamTls = {};
  if (t.ca !== null) {
    out.ca = readPem(t.ca, `${at}.ca`, 'CA file');
    parseCertificate(out.ca, t.ca, `${at}.ca`);
  }
  if (t.servername !== null) out.servername = t.servername;
  if (t.cert !== null && t.key !== null) {
    out.cert = readPem(t.cert, `${at}.cert`, 'client certificate');
    out.key = readPem(t.key, `${at}.key`, 'client key');
    const x509 = parseCertificate(out.cert, t.cert, `${at}.cert`);
    let ok = false;
    try {
      ok = x509.checkPrivateKey(createPrivateKey(out.key));
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new TlsMaterialError(
        `${at}.key`,
        `${JSON.stringify(t.key)} is not an unencrypted PEM key of ${JSON.stringify(t.cert)}`,
        'give the key the client certificate was issued for, as PEM without a passphrase',
      );
    }
  }
  return out;
}

/** Same files' contents: a reload re-reads them, and a pool is rebuilt only when they changed. */
export function sameUpstreamTls(a: UpstreamTls | null, b: UpstreamTls | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.servername === b.servername &&
    sameBytes(a.ca, b.ca) &&
    sameBytes(a.cert, b.cert) &&
    sameBytes(a.key, b.key)
  );
}

function sameBytes(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.equals(b);
}
