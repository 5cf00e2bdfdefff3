/** What the admin API, metrics and the handoff report show of a TLS listener (docs/tls.md, "Expiry"). */
export interface CertificateView {
  /** Config path of the pair, e.g. "listeners[0].tls.sni[1]". */
  path: string;
  default: boolean;
  /** SNI names it is chosen for (the default certificate: its own DNS names). */
  names: string[];
  subject: string;
  issuer: string;
  not_before: string;
  not_after: string;
  /** Negative once expired. */
  expires_in_seconds: number;
  fingerprint_sha256: string;
  cert_file: string;
}

export interface ListenerTlsView {
  listener: string;
  min_version: string;
  client_auth: 'none' | 'required' | 'optional';
  /** When the certificates in use were loaded. */
  loaded_at: string;
  /** Why the last reload from the files was refused (the previous certificates are still served); null when it was not. */
  last_problem: string | null;
  certificates: CertificateView[];
}

/** The label a certificate is known by in metrics and incidents: its first name, else its subject. */
export function certificateLabel(c: CertificateView): string {
  return c.names[0] ?? c.subject;
}
