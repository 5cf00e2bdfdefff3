#!/usr/bin/env node
// tsc writes files 0644; the package's bin must be executable so `dist/src/cli/main.js` (and a
// symlink to it on PATH, as a global install makes) runs as a command from a fresh build too.
import { chmodSync, readFileSync } from 'node:fs';

const { bin } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
for (const file of Object.values(bin)) chmodSync(new URL(`../${file}`, import.meta.url), 0o755);
