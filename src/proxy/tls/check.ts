import type { Config, ConfigProblem } from '../../config/types.js';
import { loadCertificateSet } from './certificates.js';
import { TlsMaterialError } from './material.js';
import { loadUpstreamTls } from './upstream.js';

/**
 * Every TLS file a config names, loaded and checked as the gateway will (listeners' certificate
 * sets, pools' CA and client certificates), as config problems: `keel validate` and `keel run`
 * report them before anything starts, one line each with the path and the fix. `now` is epoch ms.
 */
export function tlsFileProblems(config: Config, now: number): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const check = (load: () => void) => {
    try {
      load();
    } catch (err) {
      if (!(err instanceof TlsMaterialError)) throw err;
      out.push({ path: err.path, code: 'tls_file', message: err.detail, hint: err.hint });
    }
  };
  config.listeners.forEach((l, i) => {
    if (l.tls !== null) check(() => loadCertificateSet(l.tls!, `listeners[${i}].tls`, now));
  });
  for (const p of Object.values(config.pools)) check(() => loadUpstreamTls(p));
  return out;
}
