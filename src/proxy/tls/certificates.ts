import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import type { ListenerTlsConfig } from '../../config/types.js';
import { type LoadedPair, loadPair, parseCertificate, readPem, TlsMaterialError } from './material.js';

/** One certificate a listener serves, and the SNI names it answers (docs/tls.md, "SNI"). */
export interface ServedCertificate {
  /** Config path of the pair: "listeners[0].tls" or "listeners[0].tls.sni[1]". */
  readonly path: string;
  /** SNI names it is chosen for; the default certificate lists its own DNS names. */
  readonly names: readonly string[];
  readonly isDefault: boolean;
  readonly pair: LoadedPair;
}

/**
 * Every certificate of one TLS listener, loaded and checked together: a set is built whole or
 * not at all, so a reload swaps one complete, valid set for another (certificates.ts callers
 * keep the previous set on a TlsMaterialError). Contexts are made here, once per load.
 */
export class CertificateSet {
  readonly served: readonly ServedCertificate[];
  /** Options for the server's default context (tls.Server#setSecureContext). */
  readonly defaultOptions: SecureContextOptions;
  /** The files the set was read from, for the watcher. */
  readonly files: readonly string[];
  readonly #exact: ReadonlyMap<string, SecureContext>;
  /** "*.b.example" is kept under "b.example". */
  readonly #wild: ReadonlyMap<string, SecureContext>;

  constructor(
    served: ServedCertificate[],
    defaultOptions: SecureContextOptions,
    files: string[],
    exact: Map<string, SecureContext>,
    wild: Map<string, SecureContext>,
  ) {
    this.served = served;
    this.defaultOptions = defaultOptions;
    this.files = files;
    this.#exact = exact;
    this.#wild = wild;
  }

  /**
   * The context for an SNI name, or null for the default one: an exact name first, then a
   * wildcard covering exactly one leading label (RFC 6125 §6.4.3: "*.b.example" matches
   * "a.b.example", not "b.example" nor "x.a.b.example").
   */
  select(servername: string): SecureContext | null {
    const name = servername.toLowerCase();
    const exact = this.#exact.get(name);
    if (exact !== undefined) return exact;
    const dot = name.indexOf('.');
    if (dot <= 0) return null;
    return this.#wild.get(name.slice(dot + 1)) ?? null;
  }
}

/** Loads the listener's pairs and CA file and makes their contexts; throws TlsMaterialError. */
export function loadCertificateSet(cfg: ListenerTlsConfig, at: string, now: number): CertificateSet {
  const clientCa = cfg.client_ca === null ? null : readClientCa(cfg.client_ca, `${at}.client_ca`);
  const base: SecureContextOptions = {
    minVersion: cfg.min_version,
    ciphers: cfg.ciphers,
    // Mozilla "intermediate": every listed cipher is strong, so the client's preference wins
    // (it knows whether it has AES hardware).
    honorCipherOrder: false,
    ...(clientCa === null ? {} : { ca: clientCa }),
  };
  const files = cfg.client_ca === null ? [] : [cfg.client_ca];
  const def = loadPair(cfg.cert, cfg.key, at, now);
  const defaultOptions = { ...base, cert: def.cert, key: def.key };
  contextFor(defaultOptions, at); // refuses a cipher list OpenSSL cannot use, with its path
  const served: ServedCertificate[] = [{ path: at, names: def.info.dnsNames, isDefault: true, pair: def }];
  files.push(cfg.cert, cfg.key);
  const exact = new Map<string, SecureContext>();
  const wild = new Map<string, SecureContext>();
  cfg.sni.forEach((e, i) => {
    const path = `${at}.sni[${i}]`;
    const pair = loadPair(e.cert, e.key, path, now);
    const names = e.names.length > 0 ? e.names : pair.info.dnsNames;
    if (names.length === 0) {
      throw new TlsMaterialError(
        `${path}.names`,
        `no names given and ${JSON.stringify(e.cert)} has no DNS names in its subjectAltName`,
        'list the SNI names this certificate serves under names',
      );
    }
    const ctx = contextFor({ ...base, cert: pair.cert, key: pair.key }, path);
    for (const n of names) {
      if (n.startsWith('*.')) wild.set(n.slice(2), ctx);
      else exact.set(n, ctx);
    }
    served.push({ path, names, isDefault: false, pair });
    files.push(e.cert, e.key);
  });
  return new CertificateSet(served, defaultOptions, [...new Set(files)], exact, wild);
}

function readClientCa(file: string, at: string): Buffer {
  const pem = readPem(file, at, 'CA file');
  parseCertificate(pem, file, at);
  return pem;
}

function contextFor(options: SecureContextOptions, at: string): SecureContext {
  try {
    return createSecureContext(options);
  } catch (err) {
    const message = (err as Error).message;
    if (/cipher/i.test(message)) {
      throw new TlsMaterialError(
        `${at.replace(/\.sni\[\d+\]$/, '')}.ciphers`,
        `OpenSSL refused the cipher list (${message})`,
        'use OpenSSL cipher names separated by ":", or remove ciphers for the default',
      );
    }
    throw new TlsMaterialError(
      at,
      `the pair cannot be used for TLS (${message})`,
      'check the certificate and key',
    );
  }
}
