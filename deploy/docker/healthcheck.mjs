// The image's HEALTHCHECK (Dockerfile; docs/deploy.md, "Docker"): exit 0 when Keel's admin server
// answers GET /healthz with 200, 1 otherwise. Run inside the container, where the admin server
// listens on 127.0.0.1:9901 unless the config moves it: then set KEEL_HEALTHCHECK_URL.
const url = process.env.KEEL_HEALTHCHECK_URL || 'http://127.0.0.1:9901/healthz';
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
  process.exit(res.status === 200 ? 0 : 1);
} catch {
  process.exit(1);
}
