/**
 * Real certificates for the TLS tests, written to a temporary directory: a test CA, leaf
 * certificates it signs (any DNS names and IP addresses, any validity window, an expired one),
 * keys that match and keys that do not. Made with node:crypto (x509-util.ts), no openssl needed.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issue, keyOf, strayKeyPem } from './x509-util.js';

export interface Pair {
  cert: string;
  key: string;
}

export interface LeafOptions {
  /** subjectAltName DNS names (default: the common name). */
  dns?: string[];
  ip?: string[];
  /** Days of validity from an hour ago (default 30); ignored when notBefore and notAfter are given. */
  days?: number;
  /** Epoch ms: an expired certificate has both in the past. */
  notBefore?: number;
  notAfter?: number;
  /** Extended key usage: serverAuth (default) or clientAuth. */
  usage?: 'serverAuth' | 'clientAuth';
}

const DAY = 86_400_000;

/** A certificate authority: its certificate file, and leaves it signs into the same directory. */
export class TestCa {
  readonly cert: string;
  readonly #dir: string;
  readonly #name: string;
  readonly #cn: string;
  readonly #key: import('node:crypto').KeyObject;
  #serial = 1;

  constructor(dir: string, name: string) {
    this.#dir = dir;
    this.#name = name;
    this.#cn = `Keel Test CA ${name}`;
    const ca = issue({
      cn: this.#cn,
      ca: true,
      notBefore: Date.now() - DAY,
      notAfter: Date.now() + 60 * DAY,
    });
    this.#key = keyOf(ca.keyPem);
    this.cert = join(dir, `${name}-ca.pem`);
    writeFileSync(this.cert, ca.certPem);
  }

  /** A key and a certificate for `cn` signed by this CA. */
  leaf(cn: string, o: LeafOptions = {}): Pair {
    const now = Date.now();
    const made = issue({
      cn,
      dns: o.dns ?? [cn],
      ips: o.ip ?? [],
      notBefore: o.notBefore ?? now - 3_600_000,
      notAfter: o.notAfter ?? now - 3_600_000 + (o.days ?? 30) * DAY,
      usage: o.usage ?? 'serverAuth',
      issuer: { cn: this.#cn, key: this.#key },
    });
    const base = join(this.#dir, `${this.#name}-${this.#serial++}-${cn.replace(/[^A-Za-z0-9.-]/g, '_')}`);
    writeFileSync(`${base}.pem`, made.certPem);
    writeFileSync(`${base}.key`, made.keyPem);
    return { cert: `${base}.pem`, key: `${base}.key` };
  }
}

/** A temporary directory of CAs and keys, removed by close(). */
export class Pki {
  readonly dir: string;
  readonly ca: TestCa;
  #count = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'keel-tls-'));
    this.ca = new TestCa(this.dir, 'main');
  }

  /** Another, unrelated CA (its leaves do not verify against the main one). */
  otherCa(): TestCa {
    return new TestCa(this.dir, `other-${++this.#count}`);
  }

  /** A fresh key that matches no certificate. */
  strayKey(): string {
    const path = join(this.dir, `stray-${++this.#count}.key`);
    writeFileSync(path, strayKeyPem());
    return path;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function fingerprint(certFile: string): string {
  return new X509Certificate(readFileSync(certFile)).fingerprint256;
}

export interface TlsReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The server certificate's SHA-256 fingerprint ('' when there was no handshake). */
  fingerprint: string;
  error: string;
}

export interface TlsClientOptions {
  servername?: string;
  /** Trusted CA file (default: the test PKI's main CA, given by the caller). */
  ca: string;
  cert?: string;
  key?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  agent?: import('node:https').Agent | false;
}

/** One HTTPS/1.1 request to 127.0.0.1:`port`; never rejects (error carries the code). */
export async function sendTls(port: number, path: string, o: TlsClientOptions): Promise<TlsReply> {
  const { request } = await import('node:https');
  return new Promise((resolve) => {
    let fingerprint = '';
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: o.method ?? 'GET',
        headers: o.headers,
        servername: o.servername ?? 'localhost',
        ca: readFileSync(o.ca),
        ...(o.cert ? { cert: readFileSync(o.cert), key: readFileSync(o.key!) } : {}),
        agent: o.agent ?? false,
      },
      (res) => {
        fingerprint = (res.socket as import('node:tls').TLSSocket).getPeerCertificate().fingerprint256 ?? '';
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
            fingerprint,
            error: '',
          }),
        );
        res.on('error', (e: NodeJS.ErrnoException) => resolve(failed(e, fingerprint)));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve(failed(e, fingerprint)));
    req.end(o.body);
  });
}

function failed(e: NodeJS.ErrnoException, fingerprint: string): TlsReply {
  return { status: 0, headers: {}, body: '', fingerprint, error: e.code ?? e.message };
}

export interface Handshake {
  ok: boolean;
  fingerprint: string;
  subject: string;
  alpn: string | false;
  protocol: string | null;
  error: string;
}

/** A TLS handshake only (then close): what the server presented and negotiated. */
export async function handshake(
  port: number,
  o: {
    servername?: string;
    ca?: string;
    minVersion?: import('node:tls').SecureVersion;
    maxVersion?: import('node:tls').SecureVersion;
    alpn?: string[];
    cert?: string;
    key?: string;
  } = {},
): Promise<Handshake> {
  const tls = await import('node:tls');
  return new Promise((resolve) => {
    const s = tls.connect({
      host: '127.0.0.1',
      port,
      ...(o.servername ? { servername: o.servername } : {}),
      ...(o.ca ? { ca: readFileSync(o.ca) } : { rejectUnauthorized: false }),
      ...(o.minVersion ? { minVersion: o.minVersion } : {}),
      ...(o.maxVersion ? { maxVersion: o.maxVersion } : {}),
      ...(o.alpn ? { ALPNProtocols: o.alpn } : {}),
      ...(o.cert ? { cert: readFileSync(o.cert), key: readFileSync(o.key!) } : {}),
    });
    let done = false;
    const finish = (h: Handshake) => {
      if (done) return;
      done = true;
      s.destroy();
      resolve(h);
    };
    s.once('secureConnect', () => {
      const peer = s.getPeerCertificate();
      const result = {
        ok: true,
        fingerprint: peer.fingerprint256 ?? '',
        subject: String(peer.subject?.CN ?? ''),
        alpn: s.alpnProtocol ?? false,
        protocol: s.getProtocol(),
        error: '',
      };
      // TLS 1.3: a server that refuses the client's certificate says so after the client's
      // handshake ends; wait for that alert (or for a quiet moment) before calling it accepted.
      s.once('error', (e: NodeJS.ErrnoException) =>
        finish({ ...result, ok: false, error: e.code ?? e.message }),
      );
      s.once('close', () => finish({ ...result, ok: false, error: 'closed' }));
      s.write('GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
      s.once('data', () => finish(result));
    });
    s.once('error', (e: NodeJS.ErrnoException) =>
      finish({
        ok: false,
        fingerprint: '',
        subject: '',
        alpn: false,
        protocol: null,
        error: e.code ?? e.message,
      }),
    );
  });
}
