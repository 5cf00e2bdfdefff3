/**
 * Every error Keel produces has a stable code, an HTTP status where one applies, and a documented
 * meaning and fix (docs/architecture.md, "Stable error codes"). docs/errors.md lists the same
 * codes; a test keeps them in step.
 */

export interface ErrorSpec {
  /** HTTP status Keel answers with when this error ends a request; 0 when not an HTTP answer. */
  status: number;
  meaning: string;
  fix: string;
}

export const ERROR_CODES = {
  KEEL_ERR_ROUTE_NOT_FOUND: {
    status: 404,
    meaning: 'No route matched the request host, path and method.',
    fix: 'Add a route whose match covers the request, or check the Host header and path.',
  },
  KEEL_ERR_BAD_REQUEST: {
    status: 400,
    meaning: 'The request could not be parsed as HTTP/1.1, or its Host or target is not valid.',
    fix: 'Fix the client; the request line or a header is malformed, or Host is missing, repeated or not a host[:port] (docs/security.md).',
  },
  KEEL_ERR_REQUEST_SMUGGLING: {
    status: 400,
    meaning:
      'The request framing is ambiguous: Content-Length with Transfer-Encoding, or conflicting Content-Length values (RFC 9112 §6.3).',
    fix: 'Send exactly one framing header. A proxy in front of Keel that produces this is unsafe.',
  },
  KEEL_ERR_HTTP_VERSION: {
    status: 505,
    meaning:
      'The request line names an HTTP major version other than 1 (e.g. HTTP/2.0) on an HTTP/1 listener.',
    fix: 'Send HTTP/1.1 on this listener; HTTP/2 needs a listener that speaks it.',
  },
  KEEL_ERR_URL_TOO_LONG: {
    status: 414,
    meaning: 'The request target is longer than limits.max_url_length.',
    fix: 'Shorten the URL (move data to the body) or raise limits.max_url_length.',
  },
  KEEL_ERR_HEADERS_TOO_LARGE: {
    status: 431,
    meaning: 'The request headers exceed limits.max_header_bytes.',
    fix: 'Send fewer or smaller headers (large cookies are the usual cause) or raise limits.max_header_bytes.',
  },
  KEEL_ERR_BODY_TOO_LARGE: {
    status: 413,
    meaning: "The request body exceeds the route's max_body_bytes (or limits.max_body_bytes).",
    fix: 'Send a smaller body or raise the limit for this route.',
  },
  KEEL_ERR_CLIENT_TIMEOUT: {
    status: 408,
    meaning: 'The client did not send its request headers or body in time.',
    fix: 'Check the client and the network between it and Keel; or raise client.headers_timeout.',
  },
  KEEL_ERR_UPSTREAM_CONNECT: {
    status: 502,
    meaning: 'Keel could not open a connection to any upstream host it tried.',
    fix: 'Check that the pool hosts are up and reachable; see GET /api/v1/pools for their state.',
  },
  KEEL_ERR_UPSTREAM_TLS: {
    status: 502,
    meaning:
      "The TLS handshake with an https:// upstream failed: its certificate did not verify (unknown CA, wrong name, expired) or it refused Keel's.",
    fix: "Check the host's certificate chain and names; set the pool's tls.ca (or tls.servername, tls.cert/key) to match (docs/tls.md).",
  },
  KEEL_ERR_UPSTREAM_TIMEOUT: {
    status: 504,
    meaning: 'The upstream did not send a response head within the first-byte timeout.',
    fix: "Find why the upstream is slow, or raise the pool's timeouts.first_byte.",
  },
  KEEL_ERR_UPSTREAM_RESET: {
    status: 502,
    meaning: 'The upstream closed or reset the connection before completing its answer.',
    fix: 'Check the upstream for crashes, and that its keep-alive timeout exceeds connections.keep_alive_timeout.',
  },
  KEEL_ERR_UPSTREAM_IDLE: {
    status: 502,
    meaning: 'The upstream stopped sending the body for longer than the idle timeout.',
    fix: "Find why the upstream stalls mid-body, or raise the pool's timeouts.idle.",
  },
  KEEL_ERR_BREAKER_OPEN: {
    status: 503,
    meaning: 'The circuit breaker is open: Keel fails fast without calling the upstream.',
    fix: 'Wait for Retry-After; fix the upstream. Breaker state is in GET /api/v1/pools.',
  },
  KEEL_ERR_ENDPOINT_FAILING: {
    status: 503,
    meaning:
      "This endpoint of the route fails on every host: its endpoint breaker is open and Keel answers without calling the upstreams. The route's other endpoints are served as usual.",
    fix: 'Wait for Retry-After; fix the failing page or handler. The endpoint and its state are in GET /api/v1/pools.',
  },
  KEEL_ERR_NO_HEALTHY_HOST: {
    status: 503,
    meaning: 'The pool has no host that may receive traffic.',
    fix: 'Bring a host of the pool back; check active health checks and ejections.',
  },
  KEEL_ERR_SHED_QUEUE_FULL: {
    status: 503,
    meaning: "The pool's concurrency limit and its queue are full: the request was shed.",
    fix: 'Add capacity (hosts or instances) or raise concurrency.max_in_flight / max_queue.',
  },
  KEEL_ERR_SHED_QUEUE_TIMEOUT: {
    status: 503,
    meaning: "The request waited in the pool's queue longer than concurrency.queue_timeout.",
    fix: 'Add capacity, or raise concurrency.max_in_flight or queue_timeout.',
  },
  KEEL_ERR_SHED_BUDGET_POLICY: {
    status: 503,
    meaning:
      "An SLO's budget policy (shed_share) sheds part of this route's requests while its error budget is spent.",
    fix: 'Restore the SLO (see `keel slo status`), or lower or remove its policy.shed_share.',
  },
  KEEL_ERR_DEADLINE_EXCEEDED: {
    status: 504,
    meaning: "The request's total deadline (route timeout) passed before an answer arrived.",
    fix: "Raise the route's timeout or find why the upstream is slow.",
  },
  KEEL_ERR_NOT_CACHED: {
    status: 504,
    meaning:
      'The request said Cache-Control: only-if-cached and the cache holds no response it may use (RFC 9111 §5.2.1.7).',
    fix: 'Send the request without only-if-cached, or let a request fill the cache first.',
  },
  KEEL_ERR_DRAINING: {
    status: 503,
    meaning: 'Keel is shutting down and no longer accepts new requests.',
    fix: 'Retry against another instance; this one is draining.',
  },
  KEEL_ERR_CONFIG_INVALID: {
    status: 0,
    meaning: 'The configuration has one or more problems; it was not applied.',
    fix: 'Run `keel validate -c FILE`; each line names the path, the problem and a fix.',
  },
  KEEL_ERR_CONFIG_ENV_MISSING: {
    status: 0,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal config syntax is the point.
    meaning: 'The configuration references ${VAR} but the environment variable is not set.',
    fix: 'Export the variable before starting Keel, or remove the reference.',
  },
  KEEL_ERR_CONFIG_READ: {
    status: 0,
    meaning: 'The configuration file could not be read or parsed as YAML/JSON.',
    fix: 'Check the path and permissions, and the syntax at the reported line.',
  },
  KEEL_ERR_ADMIN_UNAUTHORIZED: {
    status: 401,
    meaning: 'The admin API requires the admin token and the request did not carry it.',
    fix: 'Send `Authorization: Bearer <admin.token>`, or the token from admin.token_file when Keel generated it.',
  },
  KEEL_ERR_ADMIN_HOST: {
    status: 403,
    meaning:
      'The admin API was called under a host name it does not answer to (a DNS-rebinding page arrives under its own name).',
    fix: 'Call the admin API by IP address or as localhost, or add the name to admin.allowed_hosts.',
  },
  KEEL_ERR_ADMIN_CROSS_SITE: {
    status: 403,
    meaning:
      'A change to the gateway was requested by a web page of another origin (Origin or Sec-Fetch-Site).',
    fix: 'Use the dashboard served by the admin server itself, the keel CLI, or curl.',
  },
  KEEL_ERR_ADMIN_CONTENT_TYPE: {
    status: 415,
    meaning: 'An admin call that changes something did not declare Content-Type: application/json.',
    fix: "Send the body as JSON with `Content-Type: application/json` (curl: --json '{...}').",
  },
  KEEL_ERR_INTERNAL: {
    status: 500,
    meaning: 'An unexpected internal failure in Keel.',
    fix: 'Report it with the request id and the log line; Keel kept serving other requests.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class KeelError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERROR_CODES[code].meaning, options);
    this.name = 'KeelError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
  }
  /** The JSON body Keel sends when this error ends a request. */
  toJSON(): { error: { code: ErrorCode; message: string; fix: string } } {
    return { error: { code: this.code, message: this.message, fix: ERROR_CODES[this.code].fix } };
  }
}
