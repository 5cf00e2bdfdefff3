import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Reading and checking PEM files (docs/tls.md, "Certificates"). A pair is refused — with what,
 * where and how to fix — when a file cannot be read, is not PEM, when the key is not the
 * certificate's, or when the certificate is outside its validity period: serving an expired
 * certificate fails every client anyway, and a reload must never replace a working one with it.
 */

/** A refused file or pair; `path` is the config path, e.g. "listeners[0].tls.cert". */
export class TlsMaterialError extends Error {
  readonly path: string;
  /** What is wrong, without the path and the hint. */
  readonly detail: string;
  readonly hint: string;
  constructor(path: string, detail: string, hint: string) {
    super(`${path}: ${detail} (${hint})`);
    this.name = 'TlsMaterialError';
    this.path = path;
    this.detail = detail;
    this.hint = hint;
  }
}

/** What the views (metrics, handoff, admin) show of a certificate. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** DNS names of its subjectAltName, lower-cased. */
  dnsNames: string[];
  notBefore: number;
  notAfter: number;
  fingerprint256: string;
}

export interface LoadedPair {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
  info: CertificateInfo;
}

/** A PEM file's bytes, or a TlsMaterialError naming the config path. */
export function readPem(file: string, at: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new TlsMaterialError(
      at,
      `cannot read ${what} ${JSON.stringify(file)} (${code})`,
      code === 'EACCES'
        ? 'let the user Keel runs as read the file'
        : 'check the path (relative paths start from the directory Keel was started in)',
    );
  }
}

/** The first certificate of a PEM chain, parsed. */
export function parseCertificate(pem: Buffer, file: string, at: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new TlsMaterialError(
      at,
      `${JSON.stringify(file)} is not a PEM certificate`,
      'give a file that starts with -----BEGIN CERTIFICATE-----',
    );
  }
}

function parseKey(pem: Buffer, file: string, at: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new TlsMaterialError(
      at,
      `${JSON.stringify(file)} is not an unencrypted PEM private key`,
      'give the key as PEM without a passphrase (e.g. openssl pkey -in key.pem -out plain.pem)',
    );
  }
}

/**
 * Loads and checks one certificate and its key. `at` is the config path of the pair (its `.cert`
 * and `.key` are reported); `now` is epoch ms.
 */
export function loadPair(certFile: string, keyFile: string, at: string, now: number): LoadedPair {
  const cert = readPem(certFile, `${at}.cert`, 'certificate');
  const key = readPem(keyFile, `${at}.key`, 'key');
  const x509 = parseCertificate(cert, certFile, `${at}.cert`);
  const pk = parseKey(key, keyFile, `${at}.key`);
  if (!x509.checkPrivateKey(pk)) {
    throw new TlsMaterialError(
      `${at}.key`,
      `${JSON.stringify(keyFile)} is not the private key of ${JSON.stringify(certFile)} (${x509.subject.replace(/\n/g, ', ')})`,
      'give the key the certificate was issued for; the certificate file must start with the leaf',
    );
  }
  const info = certificateInfo(x509);
  checkValidity(info, certFile, `${at}.cert`, now);
  return { certFile, keyFile, cert, key, info };
}

export function checkValidity(info: CertificateInfo, file: string, at: string, now: number): void {
  if (now > info.notAfter) {
    throw new TlsMaterialError(
      at,
      `${JSON.stringify(file)} expired on ${new Date(info.notAfter).toISOString()}`,
      'renew the certificate; the one in use is kept',
    );
  }
  if (now < info.notBefore) {
    throw new TlsMaterialError(
      at,
      `${JSON.stringify(file)} is not valid before ${new Date(info.notBefore).toISOString()}`,
      "check the issuer's and this machine's clocks; the certificate in use is kept",
    );
  }
}

export function certificateInfo(x509: X509Certificate): CertificateInfo {
  return {
    subject: x509.subject.replace(/\n/g, ', '),
    issuer: x509.issuer.replace(/\n/g, ', '),
    dnsNames: dnsNamesOf(x509.subjectAltName),
    notBefore: Date.parse(x509.validFrom),
    notAfter: Date.parse(x509.validTo),
    fingerprint256: x509.fingerprint256,
  };
}

/** "DNS:a.example, IP Address:10.0.0.1, DNS:*.b.example" → ["a.example", "*.b.example"]. */
export function dnsNamesOf(san: string | undefined): string[] {
  if (san === undefined) return [];
  const out: string[] = [];
  for (const part of san.split(', ')) {
    if (part.startsWith('DNS:')) out.push(part.slice(4).toLowerCase());
  }
  return out;
}
