import type { SecureContext, SecureContextOptions } from 'node:tls';
import type { ListenerTlsConfig } from '../../config/types.js';
import type { Clock } from '../../core/clock.js';
import { type CertificateSet, loadCertificateSet } from './certificates.js';
import { TlsMaterialError } from './material.js';
import type { ListenerTlsView } from './view.js';
import { FileWatch } from './watch.js';

/** What the certificates change on a TLS server when they are swapped. */
export interface SecureServer {
  setSecureContext(options: SecureContextOptions): void;
}

export interface ListenerCertsDeps {
  clock: Clock;
  /** A reload from the files was applied (ok) or refused (`problem`); the config's reloads report their own. */
  reloaded(ok: boolean, problem: string): void;
}

/**
 * The certificates one TLS listener serves, and how they change (docs/tls.md, "Reload"). A
 * handshake picks its context when it starts (the server's default one, or the SNI callback's),
 * so swapping the set changes what new handshakes get while every connection already open keeps
 * the certificate it was made with. A new set is built whole and checked first: on any problem
 * the old set stays and the problem is reported.
 */
export class ListenerCerts {
  #set: CertificateSet;
  #cfg: ListenerTlsConfig;
  #at: string;
  #loadedAt: number;
  #problem = '';
  #server: SecureServer | null = null;
  #watch: FileWatch | null = null;
  readonly #deps: ListenerCertsDeps;

  constructor(cfg: ListenerTlsConfig, at: string, set: CertificateSet, deps: ListenerCertsDeps) {
    this.#cfg = cfg;
    this.#at = at;
    this.#set = set;
    this.#deps = deps;
    this.#loadedAt = deps.clock.now();
  }

  /** Loads a listener's certificates; throws TlsMaterialError (a config reload is refused whole). */
  static load(cfg: ListenerTlsConfig, at: string, clock: Clock): CertificateSet {
    return loadCertificateSet(cfg, at, clock.now());
  }

  get config(): ListenerTlsConfig {
    return this.#cfg;
  }

  /** RFC 6066 §3: the context for the name the client asked for; none = the default one. */
  readonly sniCallback = (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void): void => {
    cb(null, this.#set.select(servername) ?? undefined);
  };

  /** The options the server is created with: the default pair and the shared settings. */
  serverOptions(): SecureContextOptions {
    return this.#set.defaultOptions;
  }

  attach(server: SecureServer): void {
    this.#server = server;
    this.#startWatch();
  }

  /** A config reload brought this (already loaded and checked) set. */
  replace(cfg: ListenerTlsConfig, at: string, set: CertificateSet): void {
    const rewatch = cfg.watch_interval !== this.#cfg.watch_interval || !sameFiles(set, this.#set);
    this.#cfg = cfg;
    this.#at = at;
    this.#swap(set);
    if (rewatch) this.#startWatch();
    else void this.#watch?.rebase();
  }

  /** Re-reads the files (they changed on disk); the old set stays when the new one is refused. */
  reloadFiles(): boolean {
    try {
      this.#swap(loadCertificateSet(this.#cfg, this.#at, this.#deps.clock.now()));
    } catch (err) {
      this.#problem = err instanceof TlsMaterialError ? err.message : String(err);
      this.#deps.reloaded(false, this.#problem);
      return false;
    }
    this.#deps.reloaded(true, '');
    return true;
  }

  view(listener: string): ListenerTlsView {
    const now = this.#deps.clock.now();
    const c = this.#cfg;
    return {
      listener,
      min_version: c.min_version,
      client_auth: c.client_auth,
      loaded_at: new Date(this.#loadedAt).toISOString(),
      last_problem: this.#problem === '' ? null : this.#problem,
      certificates: this.#set.served.map((s) => ({
        path: s.path,
        default: s.isDefault,
        names: [...s.names],
        subject: s.pair.info.subject,
        issuer: s.pair.info.issuer,
        not_before: new Date(s.pair.info.notBefore).toISOString(),
        not_after: new Date(s.pair.info.notAfter).toISOString(),
        expires_in_seconds: Math.floor((s.pair.info.notAfter - now) / 1000),
        fingerprint_sha256: s.pair.info.fingerprint256,
        cert_file: s.pair.certFile,
      })),
    };
  }

  stop(): void {
    this.#watch?.stop();
    this.#watch = null;
  }

  #swap(set: CertificateSet): void {
    this.#server?.setSecureContext(set.defaultOptions);
    this.#set = set;
    this.#loadedAt = this.#deps.clock.now();
    this.#problem = '';
  }

  #startWatch(): void {
    this.#watch?.stop();
    this.#watch =
      this.#cfg.watch_interval > 0
        ? new FileWatch(this.#set.files, this.#cfg.watch_interval, () => this.reloadFiles())
        : null;
  }
}

function sameFiles(a: CertificateSet, b: CertificateSet): boolean {
  return a.files.length === b.files.length && a.files.every((f, i) => f === b.files[i]);
}
