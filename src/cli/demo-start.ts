/**
 * `keel demo`'s engine: three demo upstreams + the gateway + the admin server in one process (what
 * `npm start` runs). startDemo is exported so the end-to-end test runs the same code path.
 */
import { type App, startApp } from '../app/app.js';
import { demoConfig } from '../demo/config.js';
import { DEMO_NAMES, DEMO_PORTS, DemoFleet } from '../demo/fleet.js';
import { DemoTraffic } from '../demo/traffic.js';
import type { Logger } from '../telemetry/logging.js';
import { type KeelCommand, keelCommand } from './command-name.js';

export interface DemoOptions {
  host?: string;
  port?: number;
  adminPort?: number;
  /** false: do not start app-1..3 (point the gateway at your own servers on upstreamPorts). */
  upstreams?: boolean;
  /** app-1..3's ports, default 8081-8083; [0, 0, 0] in tests. */
  upstreamPorts?: readonly number[];
  logger?: Logger;
  /** Background GETs per second to the gateway, for the dashboard (`--traffic N`); 0/absent = none. */
  traffic?: number;
}

export interface Demo {
  app: App;
  fleet: DemoFleet | null;
  gatewayUrl: string;
  adminUrl: string;
  /** The token every admin change needs (generated unless the config set one). */
  adminToken: string;
  adminTokenFile: string | null;
  close(reason?: string): Promise<void>;
}

export async function startDemo(o: DemoOptions = {}): Promise<Demo> {
  const host = o.host ?? '127.0.0.1';
  const fleet = o.upstreams === false ? null : new DemoFleet({ host, ports: o.upstreamPorts ?? DEMO_PORTS });
  await fleet?.start();
  const urls = fleet ? fleet.urls() : (o.upstreamPorts ?? DEMO_PORTS).map((p) => `http://${host}:${p}`);
  const loaded = demoConfig({
    host,
    port: o.port ?? 8080,
    adminPort: o.adminPort ?? 9901,
    upstreamUrls: urls,
    upstreamNames: DEMO_NAMES,
  });
  if (!loaded.ok) {
    await fleet?.close();
    throw new Error(`internal: the demo config is invalid: ${JSON.stringify(loaded.problems)}`);
  }
  try {
    const app = await startApp({
      config: loaded.config,
      version: loaded.version,
      demo: fleet,
      ...(o.logger ? { logger: o.logger } : {}),
    });
    const l = app.listeners[0]!;
    const traffic = o.traffic ? new DemoTraffic(`http://${l.host}:${l.port}/demo-traffic`, o.traffic) : null;
    traffic?.start();
    return {
      app,
      fleet,
      gatewayUrl: `http://${l.host}:${l.port}`,
      adminUrl: `http://${app.admin!.host}:${app.admin!.port}`,
      adminToken: app.admin!.token,
      adminTokenFile: app.admin!.tokenFile,
      close: async (reason = 'demo closed') => {
        traffic?.close();
        await app.shutdown(reason);
        await fleet?.close();
      },
    };
  } catch (err) {
    await fleet?.close();
    throw err;
  }
}

/**
 * The fix for a port the demo could not listen on: the flag that moves that very port (a listen
 * error carries the port it wanted).
 */
export function portInUseHint(
  err: Error & { port?: number },
  o: { port: number; adminPort: number; upstreamPorts: readonly number[] },
): string {
  const taken = err.port;
  const uses = [
    { port: o.port, what: 'the gateway', fix: '--port, e.g. --port 18080' },
    { port: o.adminPort, what: 'the admin server', fix: '--admin-port, e.g. --admin-port 19901' },
    ...o.upstreamPorts.map((port, i) => ({
      port,
      what: DEMO_NAMES[i] ?? `upstream ${i + 1}`,
      fix: '--upstream-ports, e.g. --upstream-ports 18081,18082,18083',
    })),
  ].filter((u) => taken !== undefined && u.port === taken);
  if (uses.length > 1)
    return `port ${taken} is given to ${uses.map((u) => u.what).join(' and ')}; give each its own port (--port, --admin-port, --upstream-ports)`;
  const use = uses[0];
  if (use) return `port ${taken} (${use.what}) is in use; move it with ${use.fix}`;
  return 'a port is taken; pick others with --port, --admin-port and --upstream-ports';
}

/** `k`: how the user types the command here (command-name.ts). */
export function banner(d: Demo, k: KeelCommand = keelCommand()): string {
  const adminFlag = d.adminUrl === 'http://127.0.0.1:9901' ? '' : ` --admin ${d.adminUrl}`;
  return [
    'Keel demo is running.',
    `  gateway    ${d.gatewayUrl}/  -> pool "app" (app-1, app-2, app-3)`,
    `  admin API  ${d.adminUrl}/api/v1/pools`,
    `  dashboard  ${d.adminUrl}/#token=${d.adminToken}  (live; buttons to break the upstreams)`,
    ...(d.adminTokenFile
      ? [`  token      ${d.adminTokenFile}  (changes need it; \`${k} demo fault\` reads it)`]
      : []),
    '',
    'Try (one fault at a time; `ok` undoes it):',
    `  curl -s ${d.gatewayUrl}/hello`,
    `  ${k} demo fault app-2 down${adminFlag}       # kill app-2: requests keep succeeding`,
    `  curl -s '${d.adminUrl}/api/v1/pools?pretty'   # health, ejections, breakers`,
    `  ${k} demo fault app-2 ok${adminFlag}         # bring it back`,
    `  ${k} demo fault app-3 slow --latency-ms 1500${adminFlag}`,
    `  ${k} demo fault app-1 errors --error-rate 0.5${adminFlag}`,
    'Ctrl-C drains and exits.',
    '',
  ].join('\n');
}
