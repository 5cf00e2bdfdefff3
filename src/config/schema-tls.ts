/**
 * Input schema of the TLS parts (docs/tls.md, docs/http2.md): a listener's `tls`, `http2` and
 * `redirect_https`, a pool's `tls` toward its https:// hosts, a route's `hsts`. Files are named
 * here and read when the gateway builds the listener or pool, where an unreadable or broken one
 * is reported with its path (src/proxy/tls/).
 */
import { z } from 'zod';
import { bool, duration, int, port } from './schema-common.js';

const file = (description: string) => z.string().min(1).meta({ description });

/** "a.example.com" or "*.example.com" (one label, RFC 6125 §6.4.3); matched case-insensitively. */
const SNI_NAME = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const SNI_RULE = 'a DNS name like "api.example.com" or "*.example.com" (no port, no IP address)';

const sniEntry = z
  .strictObject({
    names: z
      .array(z.string().regex(SNI_NAME, SNI_RULE))
      .meta({ description: "SNI names this certificate serves. Default the certificate's own DNS names." })
      .optional(),
    cert: file('Certificate chain, PEM: the leaf first, then intermediates.'),
    key: file('Private key of the certificate, PEM (unencrypted).'),
  })
  .meta({ title: 'SNI certificate' });

export const listenerTlsSchema = z
  .strictObject({
    cert: file('Default certificate chain, PEM: the leaf first, then intermediates.'),
    key: file('Private key of the default certificate, PEM (unencrypted).'),
    sni: z
      .array(sniEntry)
      .meta({ description: 'Further certificates, chosen by the SNI name the client asks for.' })
      .optional(),
    min_version: z
      .enum(['TLSv1.2', 'TLSv1.3'])
      .meta({ description: 'Oldest TLS version accepted. Default "TLSv1.2".' })
      .optional(),
    ciphers: z
      .string()
      .regex(/^[A-Za-z0-9_:+!@=.-]+$/, 'an OpenSSL cipher list, e.g. "ECDHE-RSA-AES128-GCM-SHA256:..."')
      .meta({ description: 'TLS 1.2 cipher list (OpenSSL syntax). Default Mozilla "intermediate".' })
      .optional(),
    client_ca: file('CA file client certificates are verified against (mTLS). Default none.')
      .nullable()
      .optional(),
    client_auth: z
      .enum(['none', 'optional', 'required'])
      .meta({
        description:
          'Client certificates: "required" refuses a client without a valid one, "optional" serves it. Default "required" with client_ca, else "none".',
      })
      .optional(),
    watch_interval: duration(
      'How often the files are checked for a change; 0 = only on SIGHUP/reload.',
      5000,
    ),
  })
  .meta({ title: 'Listener TLS', description: 'Terminate TLS on this listener (docs/tls.md).' });

export const listenerHttp2Schema = z
  .strictObject({
    enabled: bool('Offer h2 through ALPN. Default true on a TLS listener (no cleartext h2c).'),
    max_concurrent_streams: int('Streams in flight per connection. Default 100.', 1, 10_000),
    max_resets: int(
      'Streams a client may cancel per limit_window before it is disconnected. Default 200.',
      1,
    ),
    max_settings: int('SETTINGS frames a client may send per limit_window. Default 50.', 1),
    max_pings: int('PING frames a client may send per limit_window. Default 100.', 1),
    limit_window: duration('The window of the three limits above.', 10_000, 1),
  })
  .meta({ title: 'HTTP/2', description: 'HTTP/2 on a TLS listener (docs/http2.md).' });

export const redirectHttpsSchema = z
  .union([z.boolean(), z.strictObject({ port: port('The https:// port redirected to. Default 443.') })])
  .nullable()
  .meta({
    description: 'Answer every request with a redirect to https:// (plain listeners). Default false.',
  });

export const poolTlsSchema = z
  .strictObject({
    ca: file("CA file the hosts' certificates are verified against. Default the system store.")
      .nullable()
      .optional(),
    servername: z
      .string()
      .regex(SNI_NAME, SNI_RULE)
      .nullable()
      .meta({ description: "SNI name sent and verified. Default each host's own name." })
      .optional(),
    cert: file('Client certificate presented to the hosts, PEM (with key).').nullable().optional(),
    key: file('Private key of the client certificate, PEM (with cert).').nullable().optional(),
  })
  .meta({ title: 'Upstream TLS', description: 'TLS toward the https:// hosts of this pool (docs/tls.md).' });

export const hstsSchema = z
  .strictObject({
    max_age: int('max-age in seconds. Default 31536000 (one year).', 0),
    include_subdomains: bool('Add includeSubDomains. Default false.'),
    preload: bool('Add preload (needs include_subdomains and max_age >= 31536000). Default false.'),
  })
  .meta({ title: 'HSTS', description: 'Strict-Transport-Security on answers over TLS (RFC 6797).' });
