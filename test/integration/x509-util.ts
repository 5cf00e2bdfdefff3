/**
 * X.509 certificates made with node:crypto alone (tier 1 needs only Node): a minimal DER
 * encoder for the fields a TLS test needs (RFC 5280 §4.1) — subject and issuer common names,
 * a validity window, subjectAltName DNS names and IP addresses, basicConstraints for a CA,
 * extendedKeyUsage — signed with ECDSA P-256 / SHA-256. node's X509Certificate and OpenSSL's
 * chain verification read them like any other certificate.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isIPv4 } from 'node:net';

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
const octets = (b: Buffer) => tlv(0x04, b);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const explicit = (n: number, body: Buffer) => tlv(0xa0 | n, body);

/** DER INTEGER (X.690 8.3.2): minimal two's complement, so no redundant leading zero octets. */
export function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0 && !(b[i + 1]! & 0x80)) i++;
  const trimmed = b.subarray(i);
  const body = trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return tlv(0x02, body);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const n of rest) {
    const groups: number[] = [];
    let v = n;
    do {
      groups.unshift(v & 0x7f);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < groups.length - 1; i++) groups[i]! |= 0x80;
    out.push(...groups);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(ms: number): Buffer {
  const iso = new Date(ms).toISOString(); // 2026-01-02T03:04:05.678Z
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const year = Number(iso.slice(0, 4));
  return year < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${digits}Z`));
}

const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), utf8(cn))));
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

function altNames(dns: readonly string[], ips: readonly string[]): Buffer {
  const entries = [
    ...dns.map((d) => tlv(0x82, Buffer.from(d, 'ascii'))),
    ...ips.map((ip) => tlv(0x87, ipBytes(ip))),
  ];
  return seq(...entries);
}

function ipBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.concat(groups.map((g) => Buffer.from(g.padStart(4, '0'), 'hex')));
}

export interface CertSpec {
  cn: string;
  dns?: readonly string[];
  ips?: readonly string[];
  notBefore: number;
  notAfter: number;
  /** A CA certificate (basicConstraints CA:TRUE), able to sign others. */
  ca?: boolean;
  usage?: 'serverAuth' | 'clientAuth';
  /** Who signs it: its own key (self-signed) when absent. */
  issuer?: { cn: string; key: KeyObject };
}

export interface Issued {
  certPem: string;
  keyPem: string;
  key: KeyObject;
}

/** A new P-256 key and a certificate for it, as PEM. */
export function issue(spec: CertSpec): Issued {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const exts: Buffer[] = [];
  if (spec.ca) exts.push(extension('2.5.29.19', true, seq(bool(true))));
  if (!spec.ca) {
    const usage = spec.usage === 'clientAuth' ? '1.3.6.1.5.5.7.3.2' : '1.3.6.1.5.5.7.3.1';
    exts.push(extension('2.5.29.37', false, seq(oid(usage))));
  }
  if ((spec.dns?.length ?? 0) + (spec.ips?.length ?? 0) > 0)
    exts.push(extension('2.5.29.17', false, altNames(spec.dns ?? [], spec.ips ?? [])));
  const serial = randomBytes(12);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive and twelve octets long (RFC 5280 4.1.2.2)
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    ECDSA_SHA256,
    name(spec.issuer?.cn ?? spec.cn),
    seq(time(spec.notBefore), time(spec.notAfter)),
    name(spec.cn),
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(...exts)),
  );
  const signature = sign('sha256', tbs, spec.issuer?.key ?? privateKey);
  const der = seq(tbs, ECDSA_SHA256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return {
    certPem: `-----BEGIN CERTIFICATE-----\n${b64.trimEnd()}\n-----END CERTIFICATE-----\n`,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    key: privateKey,
  };
}

/** A new P-256 private key that belongs to no certificate, as PEM. */
export function strayKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}

export function keyOf(pem: string): KeyObject {
  return createPrivateKey(pem);
}
