/**
 * Keel's own version for the health body's `version` (draft-inadarei-api-health-check §3.2).
 * cli/version.ts reads the same file, but nothing may import cli/ (docs/architecture.md, "Rooms").
 */
import { readFileSync } from 'node:fs';

let cached: string | null = null;

export function keelVersion(): string {
  if (cached !== null) return cached;
  cached = '0.0.0';
  // src/admin and dist/src/admin sit at different depths from package.json.
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'keel' && pkg.version) {
        cached = pkg.version;
        break;
      }
    } catch {
      // try the next location
    }
  }
  return cached;
}
